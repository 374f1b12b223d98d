/**
 * Connected components of one structure's mask inside a box (docs/metrics.md#lesion-wise-evaluation),
 * on runs: one raster pass cuts every row of the box into runs of mask voxels, then union-find
 * over the runs (typed arrays, path halving) joins each run with the overlapping runs of the
 * rows before it. Time is linear in the box's voxels plus the runs; memory is the runs, not the
 * box. Components are numbered 1..n in the raster order (i fastest, then j, then k) of their
 * first voxel, the order scipy.ndimage.label follows too.
 */
import type { LabelArray } from '@concord/core';
import type { IndexBox } from './types.ts';

export type Connectivity = 6 | 26;

export interface Components {
  /** Number of components. */
  n: number;
  /** Runs in raster order: first and last i (full-grid index) and the component (1..n). */
  runStart: Int32Array;
  runEnd: Int32Array;
  runComponent: Int32Array;
  /** rowRuns[r]..rowRuns[r + 1] are the runs of box row r = j' + k'·rows (box-relative j', k'). */
  rowRuns: Int32Array;
  /** Per component (index 1..n; 0 unused): voxel count and full-grid index sums. */
  voxels: Float64Array;
  sumI: Float64Array;
  sumJ: Float64Array;
  sumK: Float64Array;
}

/** A growable Int32Array. */
class IntList {
  data = new Int32Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/** Joins the sets of a and b; the smaller run index stays the root. */
function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/**
 * Components of {layer == label} inside `box` (inclusive voxel indices of the full grid `dims`);
 * voxels outside the box count as outside the mask, so the box must hold the whole mask.
 */
export function connectedComponents(
  layer: LabelArray,
  dims: readonly [number, number, number],
  label: number,
  box: IndexBox,
  connectivity: Connectivity,
): Components {
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const rowsJ = y1 - y0 + 1;
  const rowCount = rowsJ * (z1 - z0 + 1);
  const nx = dims[0];
  const nxy = dims[0] * dims[1];

  // pass 1: runs of mask voxels per box row
  const starts = new IntList();
  const ends = new IntList();
  const rowRuns = new Int32Array(rowCount + 1);
  for (let k = z0, r = 0; k <= z1; k++) {
    for (let j = y0; j <= y1; j++, r++) {
      rowRuns[r] = starts.length;
      const base = j * nx + k * nxy;
      let i = x0;
      while (i <= x1) {
        if (layer[base + i] !== label) {
          i++;
          continue;
        }
        const s = i;
        while (i <= x1 && layer[base + i] === label) i++;
        starts.push(s);
        ends.push(i - 1);
      }
    }
  }
  rowRuns[rowCount] = starts.length;
  const runStart = starts.view();
  const runEnd = ends.view();
  const runs = runStart.length;

  // union-find over runs: each run meets the runs of earlier neighbour rows that touch it
  const parent = new Int32Array(runs);
  for (let x = 0; x < runs; x++) parent[x] = x;
  // neighbour rows (dj, dk) already visited; 26: runs touch when their i ranges are within 1
  const neighbours: [number, number][] =
    connectivity === 6
      ? [
          [-1, 0],
          [0, -1],
        ]
      : [
          [-1, 0],
          [-1, -1],
          [0, -1],
          [1, -1],
        ];
  const slack = connectivity === 6 ? 0 : 1;
  const depth = z1 - z0 + 1;
  for (let kk = 0; kk < depth; kk++) {
    for (let jj = 0; jj < rowsJ; jj++) {
      const r = jj + kk * rowsJ;
      const a0 = rowRuns[r];
      const a1 = rowRuns[r + 1];
      if (a0 === a1) continue;
      for (const [dj, dk] of neighbours) {
        const nj = jj + dj;
        const nk = kk + dk;
        if (nj < 0 || nj >= rowsJ || nk < 0) continue;
        const q = nj + nk * rowsJ;
        let b = rowRuns[q];
        const b1 = rowRuns[q + 1];
        // both rows' runs are sorted by i: one merge pass
        for (let a = a0; a < a1 && b < b1;) {
          if (runEnd[b] + slack < runStart[a]) b++;
          else if (runEnd[a] + slack < runStart[b]) a++;
          else {
            union(parent, a, b);
            // advance the run that ends first; the other may touch the next one too
            if (runEnd[a] < runEnd[b]) a++;
            else b++;
          }
        }
      }
    }
  }

  // component numbers in run order (= raster order of the first voxel), and moments
  const runComponent = new Int32Array(runs);
  const numberOf = new Int32Array(runs);
  let n = 0;
  const voxels = new Float64Array(runs + 1);
  const sumI = new Float64Array(runs + 1);
  const sumJ = new Float64Array(runs + 1);
  const sumK = new Float64Array(runs + 1);
  for (let r = 0; r < rowCount; r++) {
    const j = y0 + (r % rowsJ);
    const k = z0 + Math.floor(r / rowsJ);
    for (let x = rowRuns[r]; x < rowRuns[r + 1]; x++) {
      const root = find(parent, x);
      let c = numberOf[root];
      if (c === 0) c = numberOf[root] = ++n;
      runComponent[x] = c;
      const len = runEnd[x] - runStart[x] + 1;
      voxels[c] += len;
      sumI[c] += ((runStart[x] + runEnd[x]) * len) / 2;
      sumJ[c] += j * len;
      sumK[c] += k * len;
    }
  }
  return {
    n,
    runStart,
    runEnd,
    runComponent,
    rowRuns,
    voxels: voxels.subarray(0, n + 1),
    sumI: sumI.subarray(0, n + 1),
    sumJ: sumJ.subarray(0, n + 1),
    sumK: sumK.subarray(0, n + 1),
  };
}

/**
 * Voxels shared by component r of `a` and component p of `b` (computed on the same box), keyed
 * r·(b.n + 1) + p: a merge of the two sides' runs, row by row.
 */
export function componentIntersections(a: Components, b: Components): Map<number, number> {
  const out = new Map<number, number>();
  const stride = b.n + 1;
  const rows = Math.min(a.rowRuns.length, b.rowRuns.length) - 1;
  for (let r = 0; r < rows; r++) {
    let x = a.rowRuns[r];
    const x1 = a.rowRuns[r + 1];
    let y = b.rowRuns[r];
    const y1 = b.rowRuns[r + 1];
    while (x < x1 && y < y1) {
      const lo = Math.max(a.runStart[x], b.runStart[y]);
      const hi = Math.min(a.runEnd[x], b.runEnd[y]);
      if (hi >= lo) {
        const key = a.runComponent[x] * stride + b.runComponent[y];
        out.set(key, (out.get(key) ?? 0) + hi - lo + 1);
      }
      if (a.runEnd[x] < b.runEnd[y]) x++;
      else y++;
    }
  }
  return out;
}
