/**
 * Disagreement classes of one axial slice for the report, with the viewer's boundary/gross split:
 * an FP or FN voxel is a boundary error when it lies within τ mm of the reference surface of its
 * structure (DESIGN §3.2 surface: 6-connected, outside the image is background), gross otherwise.
 */
import type { LabelVolume } from '@concord/core';
import { classifyDisagreement, OverlapCode } from '@concord/extension-disagreement';
import { squaredEdt } from '@concord/extension-segmentation-metrics';

/**
 * One DisagreementClass per pixel of slice `k` (i fastest). A voxel labelled a by the reference
 * and b ≠ a by the model counts as the model's false positive for b. Only the slab of slices
 * within τ of `k` is searched: a surface voxel farther away cannot change the ≤ τ test.
 */
export function sliceDisagreementClasses(
  reference: LabelVolume,
  prediction: LabelVolume,
  k: number,
  tauMm: number,
): Uint8Array {
  const [nx, ny, nz] = reference.dims;
  const nxy = nx * ny;
  const ref = reference.data;
  const pred = prediction.data;
  const base = k * nxy;
  const codes = new Uint8Array(nxy);
  const owner = new Uint32Array(nxy); // the structure whose reference surface decides
  const labels = new Set<number>();
  for (let p = 0; p < nxy; p++) {
    const r = ref[base + p];
    const m = pred[base + p];
    if (!r && !m) continue;
    if (r === m) {
      codes[p] = OverlapCode.TP;
      continue;
    }
    codes[p] = m ? OverlapCode.FP : OverlapCode.FN;
    owner[p] = m || r;
    labels.add(m || r);
  }
  const distances = new Float32Array(nxy).fill(Infinity);
  const margin = Math.min(nz, Math.ceil(tauMm / reference.spacing[2]));
  const k0 = Math.max(0, k - margin);
  const k1 = Math.min(nz - 1, k + margin);
  const depth = k1 - k0 + 1;
  const flags = new Uint8Array(nxy * depth);
  const sq = new Float32Array(nxy * depth);
  const isL = (i: number, j: number, kk: number, l: number) =>
    i >= 0 && j >= 0 && kk >= 0 && i < nx && j < ny && kk < nz && ref[i + j * nx + kk * nxy] === l;
  for (const l of labels) {
    flags.fill(0);
    for (let kk = k0; kk <= k1; kk++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          if (ref[i + j * nx + kk * nxy] !== l) continue;
          const interior =
            isL(i - 1, j, kk, l) &&
            isL(i + 1, j, kk, l) &&
            isL(i, j - 1, kk, l) &&
            isL(i, j + 1, kk, l) &&
            isL(i, j, kk - 1, l) &&
            isL(i, j, kk + 1, l);
          if (!interior) flags[i + j * nx + (kk - k0) * nxy] = 1;
        }
      }
    }
    squaredEdt(flags, 1, [nx, ny, depth], reference.spacing, sq);
    const off = (k - k0) * nxy;
    for (let p = 0; p < nxy; p++) if (owner[p] === l) distances[p] = Math.sqrt(sq[off + p]);
  }
  return classifyDisagreement(codes, distances, tauMm);
}
