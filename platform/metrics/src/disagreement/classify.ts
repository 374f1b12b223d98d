import { VOXEL_CODE } from '../engine/disagreement.ts';
import { DisagreementClass } from './style.ts';

/**
 * Voxel codes of a per-structure TP/FP/FN volume (0 = neither mask): the engine's VOXEL_CODE
 * under the names the disagreement products use.
 */
export const OverlapCode = {
  Background: VOXEL_CODE.none,
  TP: VOXEL_CODE.tp,
  FP: VOXEL_CODE.fp,
  FN: VOXEL_CODE.fn,
} as const;
export type OverlapCode = (typeof OverlapCode)[keyof typeof OverlapCode];

/**
 * Splits FP/FN voxels into boundary (distance to the reference surface ≤ τ) and gross
 * (> τ) errors. `codes` holds OverlapCode per voxel; `distancesMm` the distance of each voxel
 * to the reference surface (only FP/FN voxels are read). Returns one DisagreementClass per voxel.
 */
export function classifyDisagreement(
  codes: ArrayLike<number>,
  distancesMm: ArrayLike<number>,
  tauMm: number,
  out: Uint8Array = new Uint8Array(codes.length),
): Uint8Array {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === OverlapCode.TP) out[i] = DisagreementClass.TruePositive;
    else if (c === OverlapCode.FP)
      out[i] =
        distancesMm[i] <= tauMm
          ? DisagreementClass.FalsePositiveBoundary
          : DisagreementClass.FalsePositiveGross;
    else if (c === OverlapCode.FN)
      out[i] =
        distancesMm[i] <= tauMm
          ? DisagreementClass.FalseNegativeBoundary
          : DisagreementClass.FalseNegativeGross;
    else out[i] = DisagreementClass.None;
  }
  return out;
}

export interface BoundaryGrossVolumes {
  fpBoundaryMl: number;
  fpGrossMl: number;
  fnBoundaryMl: number;
  fnGrossMl: number;
}

/**
 * Boundary-vs-gross error volumes (mL) of one structure. `distancesMm` holds one distance per
 * FP/FN voxel of `codes`, in their order (as the disagreement products store them).
 */
export function boundaryGrossVolumes(
  codes: ArrayLike<number>,
  distancesMm: ArrayLike<number>,
  tauMm: number,
  voxelVolumeMm3: number,
): BoundaryGrossVolumes {
  let fpB = 0,
    fpG = 0,
    fnB = 0,
    fnG = 0;
  for (let i = 0, a = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === OverlapCode.FP) {
      if (distancesMm[a++] <= tauMm) fpB++;
      else fpG++;
    } else if (c === OverlapCode.FN) {
      if (distancesMm[a++] <= tauMm) fnB++;
      else fnG++;
    }
  }
  const ml = voxelVolumeMm3 / 1000;
  return {
    fpBoundaryMl: fpB * ml,
    fpGrossMl: fpG * ml,
    fnBoundaryMl: fnB * ml,
    fnGrossMl: fnG * ml,
  };
}
