/**
 * Whether a series is what a model's manifest says it was trained on (`expects`,
 * docs/manifest.md#expected-images). The viewer warns and still runs: the user may know better.
 */
import type { ModelExpects } from './types.ts';

/** The series attributes compared (DICOM keywords). */
export interface SeriesAttributes {
  Modality?: string;
  BodyPartExamined?: string;
  SeriesDescription?: string;
}

/**
 * One plain sentence per way the series differs from what the model expects; empty when it
 * matches or the manifest says nothing. An attribute the series lacks is not a difference,
 * except the modality.
 */
export function expectationMismatches(
  expects: ModelExpects | undefined,
  series: SeriesAttributes,
): string[] {
  if (!expects) return [];
  const out: string[] = [];
  const modality = series.Modality?.trim().toUpperCase();
  if (modality !== expects.modality.toUpperCase())
    out.push(
      `it was trained on ${expects.modality} images; this series is ${modality ? modality : 'of unknown modality'}`,
    );
  const body = series.BodyPartExamined?.trim();
  if (expects.bodyPart && body && body.toUpperCase() !== expects.bodyPart.toUpperCase())
    out.push(
      `it was trained on the ${expects.bodyPart.toLowerCase()}; this series shows the ${body.toLowerCase()}`,
    );
  const description = series.SeriesDescription ?? '';
  if (expects.description && !description.toLowerCase().includes(expects.description.toLowerCase()))
    out.push(
      `it was trained on “${expects.description}” series; this one is “${description || 'without a description'}”`,
    );
  return out;
}
