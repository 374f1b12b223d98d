/**
 * The layer's "colour by distance" variant: FP/FN voxels binned by their distance to the
 * reference surface, each bin its own labelmap label in the engine's sequential colours
 * (boundary colour at 0 mm to gross colour at `maxMm`), TP in the agreement colour.
 */
import type { LabelInfo } from '@concord/core';
import { OverlapCode } from '../disagreement/classify.ts';
import { DISAGREEMENT_COLORS, DisagreementClass, distanceColor } from '../disagreement/style.ts';

export const DISTANCE_BINS = 8;
const FP_BASE = 10;
const FN_BASE = 30;

function bin(distanceMm: number, maxMm: number): number {
  if (!(distanceMm < maxMm)) return DISTANCE_BINS - 1; // also Infinity (no reference surface)
  return Math.min(DISTANCE_BINS - 1, Math.floor((distanceMm / maxMm) * DISTANCE_BINS));
}

/** Label per voxel: 1 = TP, FP_BASE + bin, FN_BASE + bin; 0 elsewhere. */
export function distanceLabels(
  codes: ArrayLike<number>,
  distancesMm: ArrayLike<number>,
  maxMm: number,
  out: Uint8Array = new Uint8Array(codes.length),
): Uint8Array {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === OverlapCode.TP) out[i] = DisagreementClass.TruePositive;
    else if (c === OverlapCode.FP) out[i] = FP_BASE + bin(distancesMm[i], maxMm);
    else if (c === OverlapCode.FN) out[i] = FN_BASE + bin(distancesMm[i], maxMm);
    else out[i] = 0;
  }
  return out;
}

/** Names and colours of the labels `distanceLabels` writes. */
export function distanceLabelInfo(maxMm: number): LabelInfo[] {
  const step = maxMm / DISTANCE_BINS;
  const range = (b: number) =>
    b === DISTANCE_BINS - 1
      ? `≥ ${(b * step).toFixed(1)} mm`
      : `${(b * step).toFixed(1)}–${((b + 1) * step).toFixed(1)} mm`;
  const labels: LabelInfo[] = [
    {
      label: DisagreementClass.TruePositive,
      name: 'agreement (TP)',
      color: DISAGREEMENT_COLORS[DisagreementClass.TruePositive],
    },
  ];
  for (let b = 0; b < DISTANCE_BINS; b++) {
    const mid = (b + 0.5) * step;
    labels.push({
      label: FP_BASE + b,
      name: `FP ${range(b)}`,
      color: distanceColor(mid, maxMm, 'fp'),
    });
    labels.push({
      label: FN_BASE + b,
      name: `FN ${range(b)}`,
      color: distanceColor(mid, maxMm, 'fn'),
    });
  }
  return labels;
}
