/**
 * Volume similarity and centroid offset (docs/metrics.md#volume-and-position): first moments of
 * every label of a layer in one run-length pass, and the two metrics from them.
 */
import { applyAffine, indexToWorldAffine, type Grid, type LabelArray } from '@concord/core';

/** Voxel count and index sums per label of one layer (arrays indexed by label). */
export interface LabelMoments {
  count: Float64Array;
  sumI: Float64Array;
  sumJ: Float64Array;
  sumK: Float64Array;
}

/**
 * Count and Σi, Σj, Σk of every label in `layer`, one pass over the array walked as runs of
 * equal labels along i (a run [i0, i1] adds (i0 + i1)·len/2 to Σi). Sums stay exact in float64
 * (below 2^53 for any grid of 2^31 voxels).
 */
export function labelMoments(
  layer: LabelArray,
  dims: readonly [number, number, number],
): LabelMoments {
  const size = layer instanceof Uint16Array ? 65536 : 256;
  const count = new Float64Array(size);
  const sumI = new Float64Array(size);
  const sumJ = new Float64Array(size);
  const sumK = new Float64Array(size);
  const [nx, ny, nz] = dims;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let i0 = 0;
      let l = layer[o];
      for (let i = 1; i <= nx; i++) {
        const x = i < nx ? layer[o + i] : -1;
        if (x === l) continue;
        if (l !== 0) {
          const len = i - i0;
          count[l] += len;
          sumI[l] += ((i0 + i - 1) * len) / 2;
          sumJ[l] += j * len;
          sumK[l] += k * len;
        }
        l = x;
        i0 = i;
      }
      o += nx;
    }
  }
  return { count, sumI, sumJ, sumK };
}

/** Centre of mass of `label` in continuous voxel indices, or null when it has no voxel. */
export function centroidIndex(m: LabelMoments, label: number): [number, number, number] | null {
  const n = m.count[label] ?? 0;
  return n > 0 ? [m.sumI[label] / n, m.sumJ[label] / n, m.sumK[label] / n] : null;
}

/**
 * Volume similarity 1 − |V_A − V_B| / (V_A + V_B) from the voxel counts (the voxel volume
 * cancels); 1 when both are empty (agreement on absence, as Dice).
 */
export function volumeSimilarity(refVoxels: number, predVoxels: number): number {
  const sum = refVoxels + predVoxels;
  return sum === 0 ? 1 : 1 - Math.abs(refVoxels - predVoxels) / sum;
}

/** Patient (LPS, mm) position of a continuous voxel index, through the grid's direction cosines. */
export function indexToWorld(grid: Grid, ijk: readonly [number, number, number]) {
  return applyAffine(indexToWorldAffine(grid), ijk);
}

/**
 * Euclidean distance in mm between two voxel-index points mapped to world space (so a sheared
 * or anisotropic grid is measured as it lies in the patient); null when either is null.
 */
export function centroidOffsetMm(
  grid: Grid,
  a: readonly [number, number, number] | null,
  b: readonly [number, number, number] | null,
): number | null {
  if (!a || !b) return null;
  const pa = indexToWorld(grid, a);
  const pb = indexToWorld(grid, b);
  return Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]);
}

/** Moments per layer, computed once per layer object (pairs share layers). */
export class MomentsCache {
  private byLayer = new Map<LabelArray, LabelMoments>();
  constructor(private readonly dims: readonly [number, number, number]) {}
  of(layer: LabelArray): LabelMoments {
    let m = this.byLayer.get(layer);
    if (!m) this.byLayer.set(layer, (m = labelMoments(layer, this.dims)));
    return m;
  }
}
