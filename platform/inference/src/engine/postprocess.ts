import type { Vec3 } from '@concord/core';
import type { PostprocessingSpec } from '../manifest/types.ts';

type Labels = Uint8Array | Uint16Array;

/** Neighbour offsets (dx, dy, dz): 26-connectivity or 6-connectivity. */
function offsets(connectivity: 6 | 26): Vec3[] {
  const out: Vec3[] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const n = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (n === 0 || (connectivity === 6 && n > 1)) continue;
        out.push([dx, dy, dz]);
      }
  return out;
}

/**
 * Labels the connected components of the voxels where `member(v)` holds (storage order, x
 * fastest), numbered 1, 2, ... in the order their first voxel comes in storage order.
 * Returns the component id per voxel (0 = not a member) and each component's size.
 */
function components(
  dims: Vec3,
  member: (v: number) => boolean,
  connectivity: 6 | 26,
  sameComponent: (a: number, b: number) => boolean = () => true,
): { id: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const id = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizes = [0];
  const nb = offsets(connectivity);
  for (let start = 0; start < n; start++) {
    if (id[start] || !member(start)) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    id[start] = label;
    while (head < tail) {
      const v = queue[head++];
      const x = v % nx;
      const y = ((v - x) / nx) % ny;
      const z = (v - x - y * nx) / (nx * ny);
      for (const [dx, dy, dz] of nb) {
        const xx = x + dx;
        const yy = y + dy;
        const zz = z + dz;
        if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
        const w = (zz * ny + yy) * nx + xx;
        if (id[w] || !member(w) || !sameComponent(v, w)) continue;
        id[w] = label;
        queue[tail++] = w;
      }
    }
    sizes.push(tail);
  }
  return { id, sizes };
}

/** Keeps the largest 26-connected component of each label (ties: the one met first). */
export function keepLargestComponentPerClass(labels: Labels, dims: Vec3): void {
  const { id, sizes } = components(
    dims,
    (v) => labels[v] !== 0,
    26,
    (a, b) => labels[a] === labels[b],
  );
  const largest = new Map<number, number>(); // label -> component
  for (let v = 0; v < labels.length; v++) {
    const c = id[v];
    if (!c) continue;
    const l = labels[v];
    const best = largest.get(l);
    if (best === undefined || sizes[c] > sizes[best]) largest.set(l, c);
  }
  for (let v = 0; v < labels.length; v++)
    if (id[v] && largest.get(labels[v]) !== id[v]) labels[v] = 0;
}

/** Keeps the largest 26-connected component of the foreground (all labels > 0 together). */
export function keepLargestForegroundComponent(labels: Labels, dims: Vec3): void {
  const { id, sizes } = components(dims, (v) => labels[v] !== 0, 26);
  let keep = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c] > sizes[keep]) keep = c;
  for (let v = 0; v < labels.length; v++) if (id[v] !== keep) labels[v] = 0;
}

/**
 * Per class (in `classLabels` order, label 0 skipped): the background voxels (label 0) in a hole
 * of that class's mask become that class. A hole is a 6-connected component of the voxels
 * outside the mask that does not touch the volume's border (scipy.ndimage.binary_fill_holes).
 */
export function fillHolesPerClass(labels: Labels, dims: Vec3, classLabels: number[]): void {
  const [nx, ny, nz] = dims;
  for (const l of classLabels) {
    if (l === 0) continue;
    let present = false;
    for (let v = 0; v < labels.length && !present; v++) present = labels[v] === l;
    if (!present) continue;
    const { id, sizes } = components(dims, (v) => labels[v] !== l, 6);
    const touches = new Uint8Array(sizes.length);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          if (x > 0 && y > 0 && z > 0 && x < nx - 1 && y < ny - 1 && z < nz - 1) {
            x = nx - 2; // jump to the last column of an inner row
            continue;
          }
          touches[id[(z * ny + y) * nx + x]] = 1;
        }
    for (let v = 0; v < labels.length; v++) {
      const c = id[v];
      if (c && !touches[c] && labels[v] === 0) labels[v] = l;
    }
  }
}

/** docs/manifest.md#postprocessing: largest component first, then hole filling, in place. */
export function postprocessLabels(
  labels: Labels,
  dims: Vec3,
  spec: PostprocessingSpec,
  classLabels: number[],
): void {
  if (spec.largestComponent === 'perClass') keepLargestComponentPerClass(labels, dims);
  else if (spec.largestComponent === 'foreground') keepLargestForegroundComponent(labels, dims);
  if (spec.fillHoles) fillHolesPerClass(labels, dims, classLabels);
}
