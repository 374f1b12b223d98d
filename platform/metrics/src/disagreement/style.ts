/**
 * Disagreement styles (docs/metrics.md#disagreement-colours). Structure sets are coloured with
 * Okabe–Ito (SEG and manifest colours, fallbacks), so the TP/FP/FN layer uses hues that
 * palette leaves out: white for agreement, reds for what the model added (false positives),
 * violets for what it missed (false negatives), the darker shade for gross errors (farther
 * than τ from the reference surface) than for boundary errors. Red and violet stay apart for
 * the common colour-vision deficiencies (they differ in blue); while the layer is shown the
 * structures are drawn as outlines only.
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
  [DisagreementClass.TruePositive]: [245, 245, 245], // white
  [DisagreementClass.FalsePositiveBoundary]: [255, 90, 90], // light red
  [DisagreementClass.FalsePositiveGross]: [200, 0, 30], // red
  [DisagreementClass.FalseNegativeBoundary]: [165, 130, 255], // light violet
  [DisagreementClass.FalseNegativeGross]: [105, 40, 230], // violet
};

/** The Okabe–Ito colours structure sets use (for tests that the palettes stay apart). */
export const OKABE_ITO: readonly Rgb[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
];

/**
 * Colour of a structure that brings none of its own: Okabe–Ito for labels 1–7, then a golden-angle
 * hue wheel (one source for Concord's viewer and its OHIF host).
 */
export function fallbackColor(label: number): [number, number, number] {
  if (label >= 1 && label <= OKABE_ITO.length) return [...OKABE_ITO[label - 1]] as Rgb;
  const h = (label * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.5 - 0.5 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * Bar colours of the volumetric-bias chart, one source for the viewer and the PDF: reference
 * grey, a model's hard (argmax) volume blue, its soft (expected) volume sky blue. Further models
 * in the viewer take the `more` pairs in turn.
 */
export const VOLUME_BIAS_COLORS: {
  reference: Rgb;
  hard: Rgb;
  soft: Rgb;
  more: ReadonlyArray<{ hard: Rgb; soft: Rgb }>;
} = {
  reference: [120, 120, 120],
  hard: [0, 114, 178],
  soft: [86, 180, 233],
  more: [
    { hard: [213, 94, 0], soft: [230, 159, 0] },
    { hard: [0, 158, 115], soft: [240, 228, 66] },
    { hard: [204, 121, 167], soft: [230, 190, 215] },
  ],
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
