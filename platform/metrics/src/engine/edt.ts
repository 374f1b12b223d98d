/**
 * Exact Euclidean distance transform, linear time (Felzenszwalb & Huttenlocher 2012, "Distance
 * transforms of sampled functions"), separable in three 1D passes, with anisotropic spacing.
 * Distances are between voxel centres, in mm.
 */

/** Reusable scratch buffers for the 1D lower-envelope passes (sized for the longest line). */
export interface EdtScratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

export function edtScratch(maxLine: number): EdtScratch {
  return {
    f: new Float64Array(maxLine),
    d: new Float64Array(maxLine),
    v: new Int32Array(maxLine),
    z: new Float64Array(maxLine + 1),
  };
}

/**
 * 1D squared distance transform of a sampled function f on points x_q = q*s:
 * d[q] = min_p ((q - p) s)^2 + f[p]. Infinite samples carry no parabola.
 * Works in index units (g = f / s^2) to avoid a division per intersection.
 * Returns false (d untouched) when every sample is infinite.
 */
export function edt1d(n: number, s: number, sc: EdtScratch): boolean {
  const { f, d, v, z } = sc;
  let k = -1;
  const s2 = s * s;
  const inv = 1 / s2;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const gq = fq * inv + q * q;
    f[q] = gq; // f now holds g + q^2 for the samples kept
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // intersection (in index units) of the parabola from q with the rightmost one kept
    let x = 0;
    for (;;) {
      const p = v[k];
      x = (gq - f[p]) / (2 * (q - p));
      if (x <= z[k]) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = x;
    z[k + 1] = Infinity;
  }
  if (k < 0) return false;
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    // (q - p)^2 + g_p = q^2 - 2qp + (g_p + p^2)
    d[q] = (q * q - 2 * q * p + f[p]) * s2;
  }
  return true;
}

/** Buffers for edtByPlane: k-line counts over the box, one plane of squared distances. */
export interface EdtBuffers {
  counts: Uint16Array;
  plane: Float64Array;
  scratch: EdtScratch;
}

export function edtBuffers(voxels: number, planeVoxels: number, maxLine: number): EdtBuffers {
  return {
    counts: new Uint16Array(voxels),
    plane: new Float64Array(planeVoxels),
    scratch: edtScratch(maxLine),
  };
}

const NONE = 0xffff;
/** Columns transformed together in the strided pass (cache lines / TLB friendly). */
const BLOCK = 16;

/**
 * Squared distance (mm^2) from the voxels of a box to the nearest voxel whose `flags` have
 * `bit` set, delivered one k-plane at a time: `visit(k, plane)` gets plane k (i fastest, then
 * j; Infinity where the box has no feature at all). The plane buffer is reused: read it inside
 * `visit`.
 *
 * Pass 1 runs along k as whole-plane sweeps over 16-bit voxel counts (contiguous, 2 bytes per
 * box voxel); passes 2 (j) and 3 (i) stay within one plane, so the only float buffer is one
 * plane. With `queryBits`, only voxels whose flags have one of them set are exact: planes
 * without such a voxel are not visited, and rows without one skip the last pass.
 */
export function edtByPlane(
  flags: Uint8Array,
  bit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  buffers: EdtBuffers,
  queryBits: number,
  visit: (k: number, plane: Float64Array) => void,
): void {
  edtCounts(flags, bit, dims, buffers.counts);
  edtPlanes(flags, dims, spacing, buffers, queryBits, 0, dims[2], visit);
}

/** Pass 1 of edtByPlane: per voxel, the voxel count along k to the nearest feature (or NONE). */
export function edtCounts(
  flags: Uint8Array,
  bit: number,
  dims: readonly [number, number, number],
  c: Uint16Array,
): void {
  const nxy = dims[0] * dims[1];
  const n = nxy * dims[2];
  if (dims[2] >= NONE) throw new Error('edtCounts: box too long along k');
  for (let o = 0; o < nxy; o++) c[o] = flags[o] & bit ? 0 : NONE;
  for (let o = nxy; o < n; o++) {
    const prev = c[o - nxy];
    c[o] = flags[o] & bit ? 0 : prev === NONE ? NONE : prev + 1;
  }
  for (let o = n - nxy - 1; o >= 0; o--) {
    const next = c[o + nxy];
    if (next !== NONE && next + 1 < c[o]) c[o] = next + 1;
  }
}

/**
 * Passes 2 and 3 of edtByPlane for planes k0 <= k < k1, from the counts of edtCounts. Planes are
 * independent, so ranges of planes can run on different threads over shared counts.
 */
export function edtPlanes(
  flags: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  buffers: EdtBuffers,
  queryBits: number,
  k0: number,
  k1: number,
  visit: (k: number, plane: Float64Array) => void,
): void {
  const [nx, ny] = dims;
  const [sx, sy, sz] = spacing;
  const nxy = nx * ny;
  const { counts: c, plane, scratch: sc } = buffers;
  const { f, d } = sc;
  const sz2 = sz * sz;
  const blockIn = new Float64Array(BLOCK * ny);
  const blockOut = new Float64Array(BLOCK * ny);
  for (let k = k0; k < k1; k++) {
    const base = k * nxy;
    if (queryBits) {
      let has = false;
      for (let o = base, end = base + nxy; o < end; o++) {
        if (flags[o] & queryBits) {
          has = true;
          break;
        }
      }
      if (!has) continue;
    }
    // Pass 2 (j): columns of the plane, BLOCK columns at a time: gathered row by row into
    // contiguous lines (and scattered back the same way) instead of one strided walk per column
    for (let i0 = 0; i0 < nx; i0 += BLOCK) {
      const w = Math.min(BLOCK, nx - i0);
      for (let j = 0, o = base + i0; j < ny; j++, o += nx) {
        for (let t = 0; t < w; t++) {
          const cnt = c[o + t];
          blockIn[t * ny + j] = cnt === NONE ? Infinity : cnt * cnt * sz2;
        }
      }
      for (let t = 0; t < w; t++) {
        const line = t * ny;
        let any = false;
        for (let j = 0; j < ny; j++) {
          const v = blockIn[line + j];
          f[j] = v;
          if (v !== Infinity) any = true;
        }
        if (any && edt1d(ny, sy, sc)) blockOut.set(d.subarray(0, ny), line);
        else blockOut.fill(Infinity, line, line + ny);
      }
      for (let j = 0, o = i0; j < ny; j++, o += nx) {
        for (let t = 0; t < w; t++) plane[o + t] = blockOut[t * ny + j];
      }
    }
    // Pass 3 (i): contiguous rows, only those with a query voxel
    for (let j = 0, r = 0; j < ny; j++, r += nx) {
      let lo = 0;
      let hi = nx - 1;
      if (queryBits) {
        const row = base + r;
        while (lo < nx && !(flags[row + lo] & queryBits)) lo++;
        if (lo === nx) continue;
        while (!(flags[row + hi] & queryBits)) hi--;
      }
      for (let i = 0; i < nx; i++) f[i] = plane[r + i];
      if (!edt1d(nx, sx, sc)) continue;
      for (let i = lo; i <= hi; i++) plane[r + i] = d[i];
    }
    visit(k, plane);
  }
}

/**
 * Squared distance (mm^2) from every voxel of a box to the nearest voxel whose `flags` have
 * `bit` set; Infinity everywhere when there is none. Data is i-fastest, then j, then k.
 * With `queryBits`, values are exact only where `flags & queryBits` is non-zero (the voxels the
 * caller reads); other voxels may hold anything.
 */
export function squaredEdt(
  flags: Uint8Array,
  bit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  out: Float32Array,
  queryBits = 0,
): Float32Array {
  const nxy = dims[0] * dims[1];
  const buffers = edtBuffers(nxy * dims[2], nxy, Math.max(...dims));
  edtByPlane(flags, bit, dims, spacing, buffers, queryBits, (k, plane) => {
    out.set(plane.subarray(0, nxy), k * nxy);
  });
  return out;
}

/**
 * Distance (mm) from every voxel with `queryBit` to the nearest voxel with `featureBit`, in
 * box scan order, written to `out` (length = number of query voxels). Exact, and usually much
 * cheaper than a whole-box transform when the queries are near features (surface distances of
 * a reasonable prediction): after the k-line counts (pass 1), each query searches its plane in
 * square rings of growing radius and stops as soon as the ring's smallest possible in-plane
 * distance exceeds the best found. Queries not settled within `maxRing` rings are finished by
 * the exact plane passes of edtByPlane, for their planes only.
 */
export function directedDistances(
  flags: Uint8Array,
  featureBit: number,
  queryBit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  buffers: EdtBuffers,
  out: Float64Array,
  maxRing?: number,
): void {
  edtCounts(flags, featureBit, dims, buffers.counts);
  ringDistances(flags, queryBit, dims, spacing, buffers, out, 0, dims[2], maxRing);
}

/**
 * The search part of directedDistances for planes k0 <= k < k1, from the counts of edtCounts
 * (already in `buffers.counts`); `out` receives the distances of the query voxels of those
 * planes in scan order. Plane ranges can run on different threads over shared counts.
 */
export function ringDistances(
  flags: Uint8Array,
  queryBit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  buffers: EdtBuffers,
  out: Float64Array,
  k0: number,
  k1: number,
  maxRing?: number,
): void {
  const [nx, ny] = dims;
  const [sx, sy, sz] = spacing;
  const nxy = nx * ny;
  const c = buffers.counts;
  // a ring of radius r costs ~8r probes, the exact passes of a plane ~12 per pixel: give up on
  // rings early in small planes, late in large ones; after a few give-ups in a plane the rest of
  // its queries go straight to the plane passes (bounded cost when distances are large)
  const rings = maxRing ?? Math.min(48, Math.max(4, Math.round(Math.sqrt(nxy) / 4)));
  const maxFailures = 16;
  const sx2 = sx * sx;
  const sy2 = sy * sy;
  const sz2 = sz * sz;
  const step2 = Math.min(sx, sy) ** 2;
  const unresolved: number[] = []; // planes with a query the ring search gave up on
  let a = 0;
  for (let k = k0; k < k1; k++) {
    const base = k * nxy;
    let failures = 0;
    for (let j = 0, o = base; j < ny; j++) {
      for (let i = 0; i < nx; i++, o++) {
        if (!(flags[o] & queryBit)) continue;
        if (failures >= maxFailures) {
          out[a++] = -1;
          continue;
        }
        const own = c[o];
        let best = own === NONE ? Infinity : own * own * sz2;
        let settled = false;
        const maxR = Math.max(i, nx - 1 - i, j, ny - 1 - j);
        for (let r = 1; ; r++) {
          if (r > maxR || r * r * step2 >= best) {
            settled = true;
            break;
          }
          if (r > rings) break;
          // rows j - r and j + r, columns i - r .. i + r
          const i0 = Math.max(0, i - r);
          const i1 = Math.min(nx - 1, i + r);
          for (let dj = -r; dj <= r; dj += 2 * r) {
            const jj = j + dj;
            if (jj < 0 || jj >= ny) continue;
            const row = base + jj * nx;
            for (let ii = i0; ii <= i1; ii++) {
              const cnt = c[row + ii];
              if (cnt === NONE) continue;
              const d2 = (ii - i) * (ii - i) * sx2 + dj * dj * sy2 + cnt * cnt * sz2;
              if (d2 < best) best = d2;
            }
          }
          // columns i - r and i + r, rows j - r + 1 .. j + r - 1
          const j0 = Math.max(0, j - r + 1);
          const j1 = Math.min(ny - 1, j + r - 1);
          for (let di = -r; di <= r; di += 2 * r) {
            const ii = i + di;
            if (ii < 0 || ii >= nx) continue;
            for (let jj = j0; jj <= j1; jj++) {
              const cnt = c[base + jj * nx + ii];
              if (cnt === NONE) continue;
              const d2 = di * di * sx2 + (jj - j) * (jj - j) * sy2 + cnt * cnt * sz2;
              if (d2 < best) best = d2;
            }
          }
        }
        if (settled) out[a] = Math.sqrt(best);
        else {
          out[a] = -1;
          failures++;
        }
        a++;
      }
    }
    if (failures) unresolved.push(k);
  }
  if (unresolved.length === 0) return;
  // exact plane passes for the planes with unsettled queries; fill those entries in order
  const firstQuery = new Int32Array(k1 + 1);
  for (let k = k0, q = 0; k < k1; k++) {
    firstQuery[k] = q;
    for (let o = k * nxy, end = o + nxy; o < end; o++) if (flags[o] & queryBit) q++;
  }
  for (const k of unresolved) {
    edtPlanes(flags, dims, spacing, buffers, queryBit, k, k + 1, (_k, plane) => {
      let q = firstQuery[k];
      for (let o = 0; o < nxy; o++) {
        if (!(flags[k * nxy + o] & queryBit)) continue;
        if (out[q] < 0) out[q] = Math.sqrt(plane[o]);
        q++;
      }
    });
  }
}
