/**
 * Connected components of one structure's mask inside a box (docs/metrics.md#lesion-wise-evaluation):
 * two raster passes with union-find over provisional labels (typed arrays, path halving), so
 * the cost is linear in the box's voxels. Components are numbered 1..n in the raster order
 * (i fastest, then j, then k) of their first voxel, the order scipy.ndimage.label also follows.
 */
import type { LabelArray } from '@concord/core';
import type { IndexBox } from './types.ts';

export type Connectivity = 6 | 26;

export interface Components {
  /** Component number per box voxel (0: not in the mask), box raster order. */
  labels: Int32Array;
  /** Number of components. */
  n: number;
  /** Per component (index 1..n; 0 unused): voxel count and full-grid index sums. */
  voxels: Float64Array;
  sumI: Float64Array;
  sumJ: Float64Array;
  sumK: Float64Array;
}

/** Box offsets (di, dj, dk) of the neighbours already visited in raster order. */
function backwardNeighbours(connectivity: Connectivity): [number, number, number][] {
  if (connectivity === 6) {
    return [
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ];
  }
  const out: [number, number, number][] = [];
  for (let dk = -1; dk <= 0; dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        if (dk < 0 || dj < 0 || (dj === 0 && di < 0)) out.push([di, dj, dk]);
      }
    }
  }
  return out; // 13 neighbours
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/**
 * Components of {layer == label} inside `box` (inclusive voxel indices of the full grid `dims`);
 * voxels outside the box are taken as outside the mask, so the box must hold the whole mask.
 */
export function connectedComponents(
  layer: LabelArray,
  dims: readonly [number, number, number],
  label: number,
  box: IndexBox,
  connectivity: Connectivity,
): Components {
  const [x0, y0, z0] = box.min;
  const bx = box.max[0] - x0 + 1;
  const by = box.max[1] - y0 + 1;
  const bz = box.max[2] - z0 + 1;
  const nx = dims[0];
  const nxy = dims[0] * dims[1];
  const labels = new Int32Array(bx * by * bz);
  let parent = new Int32Array(1024);
  let next = 1;
  const offsets = backwardNeighbours(connectivity);
  const boxOffsets = offsets.map(([di, dj, dk]) => di + dj * bx + dk * bx * by);

  // pass 1: provisional labels, equivalences in `parent`
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      let g = x0 + (y0 + j) * nx + (z0 + k) * nxy;
      for (let i = 0; i < bx; i++, o++, g++) {
        if (layer[g] !== label) continue;
        let cur = 0;
        for (let n = 0; n < offsets.length; n++) {
          const [di, dj, dk] = offsets[n];
          const ii = i + di;
          const jj = j + dj;
          if (ii < 0 || ii >= bx || jj < 0 || jj >= by || k + dk < 0) continue;
          const q = labels[o + boxOffsets[n]];
          if (q === 0) continue;
          if (cur === 0) cur = find(parent, q);
          else {
            const a = find(parent, q);
            if (a !== cur) {
              // the smaller provisional label stays the root
              if (a < cur) {
                parent[cur] = a;
                cur = a;
              } else parent[a] = cur;
            }
          }
        }
        if (cur === 0) {
          if (next >= parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          cur = next++;
        }
        labels[o] = cur;
      }
    }
  }

  // pass 2: final numbers in order of first voxel, and per-component moments
  const finalOf = new Int32Array(next);
  let n = 0;
  const stats = (): Float64Array => new Float64Array(next);
  const voxels = stats();
  const sumI = stats();
  const sumJ = stats();
  const sumK = stats();
  o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      for (let i = 0; i < bx; i++, o++) {
        const p = labels[o];
        if (p === 0) continue;
        const root = find(parent, p);
        let f = finalOf[root];
        if (f === 0) f = finalOf[root] = ++n;
        labels[o] = f;
        voxels[f]++;
        sumI[f] += x0 + i;
        sumJ[f] += y0 + j;
        sumK[f] += z0 + k;
      }
    }
  }
  return {
    labels,
    n,
    voxels: voxels.subarray(0, n + 1),
    sumI: sumI.subarray(0, n + 1),
    sumJ: sumJ.subarray(0, n + 1),
    sumK: sumK.subarray(0, n + 1),
  };
}
