/**
 * Which series of a study a viewer shows as the image series: any series whose modality carries
 * images (not SEG, SR, PR, RTSTRUCT, KO, DOC); by default the one with the most instances.
 */

/** Modalities of series that hold no images to display (segmentations, reports, states). */
export const NON_IMAGE_MODALITIES: ReadonlySet<string> = new Set([
  'SEG',
  'SR',
  'PR',
  'RTSTRUCT',
  'KO',
  'DOC',
]);

export interface SeriesModality {
  Modality: string;
}

export function isImageSeries(series: SeriesModality): boolean {
  return !NON_IMAGE_MODALITIES.has(series.Modality);
}

/**
 * The series a viewer opens first: the image series with the most instances (the first listed
 * of those with as many); undefined when the study has none.
 */
export function defaultImageSeries<S extends SeriesModality & { NumInstances: number }>(
  series: readonly S[],
): S | undefined {
  let best: S | undefined;
  for (const s of series)
    if (isImageSeries(s) && (!best || s.NumInstances > best.NumInstances)) best = s;
  return best;
}
