/**
 * Glue from the metrics engine's disagreement products (`computeDisagreement`: TP/FP/FN codes
 * and FP/FN distances to the reference surface per structure) to the report's slice page: the
 * per-slice profile that ranks slices, and one DisagreementClass per pixel of an axial slice
 * with the viewer's boundary/gross split at τ.
 */
import { classifyDisagreement, type SliceProfile } from '@concord/metrics';
import { boxDistances, VOXEL_CODE, type StructureDisagreement } from '@concord/metrics';

/** FP and FN counts per axial slice (axis 2), summed over structures. */
export function axialDisagreementProfile(
  structures: readonly StructureDisagreement[],
  nz: number,
): SliceProfile {
  const fp = new Array<number>(nz).fill(0);
  const fn = new Array<number>(nz).fill(0);
  for (const s of structures) {
    const counts = s.slices[2];
    for (let k = 0; k < nz; k++) {
      fp[k] += counts.fp[k];
      fn[k] += counts.fn[k];
    }
  }
  return { axis: 2, fp, fn };
}

/**
 * One DisagreementClass per pixel of axial slice `k` (i fastest). A voxel the reference gives
 * structure a and the model b ≠ a is shown as the model's false positive for b.
 */
export function sliceDisagreementClasses(
  structures: readonly StructureDisagreement[],
  dims: readonly [number, number, number],
  k: number,
  tauMm: number,
): Uint8Array {
  const [nx, ny] = dims;
  const codes = new Uint8Array(nx * ny);
  const distances = new Float32Array(nx * ny);
  // FN first so that FP (and TP) written later take precedence on mismatched voxels
  for (const pass of [VOXEL_CODE.fn, VOXEL_CODE.fp, VOXEL_CODE.tp]) {
    for (const s of structures) {
      if (!s.box || k < s.box.min[2] || k > s.box.max[2]) continue;
      const [bx, by] = s.boxDims;
      const [x0, y0, z0] = s.box.min;
      const base = (k - z0) * bx * by;
      // the plane's FP/FN distances spread over its voxels
      const planeDistances = boxDistances(s, k - z0, k - z0 + 1);
      for (let j = 0; j < by; j++) {
        for (let i = 0; i < bx; i++) {
          const o = base + j * bx + i;
          if (s.codes[o] !== pass) continue;
          const p = x0 + i + (y0 + j) * nx;
          codes[p] = pass;
          distances[p] = planeDistances[o - base];
        }
      }
    }
  }
  return classifyDisagreement(codes, distances, tauMm);
}
