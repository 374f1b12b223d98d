/**
 * Colour-blind-safe disagreement styles (Okabe–Ito palette): warm colours for what the model
 * added (false positives), cool colours for what it missed (false negatives), a darker shade
 * for gross errors (farther than τ from the reference surface) than for boundary errors.
 */
export type Rgb = [number, number, number];

export enum DisagreementClass {
  None = 0,
  TruePositive = 1,
  FalsePositiveBoundary = 2,
  FalsePositiveGross = 3,
  FalseNegativeBoundary = 4,
  FalseNegativeGross = 5,
}

export const DISAGREEMENT_COLORS: Record<
  Exclude<DisagreementClass, DisagreementClass.None>,
  Rgb
> = {
  [DisagreementClass.TruePositive]: [0, 158, 115], // bluish green
  [DisagreementClass.FalsePositiveBoundary]: [230, 159, 0], // orange
  [DisagreementClass.FalsePositiveGross]: [213, 94, 0], // vermillion
  [DisagreementClass.FalseNegativeBoundary]: [86, 180, 233], // sky blue
  [DisagreementClass.FalseNegativeGross]: [0, 114, 178], // blue
};

export const DISAGREEMENT_LABELS: Record<
  Exclude<DisagreementClass, DisagreementClass.None>,
  string
> = {
  [DisagreementClass.TruePositive]: 'agreement (TP)',
  [DisagreementClass.FalsePositiveBoundary]: 'FP boundary (≤ τ)',
  [DisagreementClass.FalsePositiveGross]: 'FP gross (> τ)',
  [DisagreementClass.FalseNegativeBoundary]: 'FN boundary (≤ τ)',
  [DisagreementClass.FalseNegativeGross]: 'FN gross (> τ)',
};

/** Legend entries in display order. */
export function disagreementLegend(
  tauMm: number,
): Array<{ cls: DisagreementClass; label: string; color: Rgb }> {
  return (Object.keys(DISAGREEMENT_COLORS) as unknown as string[]).map((k) => {
    const cls = Number(k) as Exclude<DisagreementClass, DisagreementClass.None>;
    return {
      cls,
      label: DISAGREEMENT_LABELS[cls].replace('τ', `τ = ${tauMm} mm`),
      color: DISAGREEMENT_COLORS[cls],
    };
  });
}

/**
 * Sequential colour for an error voxel's distance to the reference surface: from the boundary
 * colour at 0 mm to the gross colour at `maxMm` (clamped), so distance reads as depth of hue.
 */
export function distanceColor(distanceMm: number, maxMm: number, kind: 'fp' | 'fn'): Rgb {
  const [a, b] =
    kind === 'fp'
      ? [
          DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveBoundary],
          DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross],
        ]
      : [
          DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeBoundary],
          DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeGross],
        ];
  const t = maxMm > 0 ? Math.min(1, Math.max(0, distanceMm / maxMm)) : 1;
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * t)) as Rgb;
}
