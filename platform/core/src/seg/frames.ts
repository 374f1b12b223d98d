/**
 * How a SEG's frames are tied to the series it segments: the check that it references that
 * series, and the slice of each frame. One source for the binary/fractional reader (read.ts)
 * and the Label Map reader (readLabelmap.ts).
 */
import type { DicomSeriesResult } from '../dicom/index.ts';
import type { NaturalDataset } from '../dicom/dcmjs.ts';
import { InvalidInputError } from '../errors/index.ts';
import { worldToIndex, type Vec3 } from '../geometry/index.ts';

type Seq = NaturalDataset[];
/** A naturalised sequence as an array (dcmjs gives a lone item as the item itself). */
export const seq = (v: unknown): Seq =>
  Array.isArray(v) ? (v as Seq) : v ? [v as NaturalDataset] : [];
export const first = (v: unknown): NaturalDataset | undefined => seq(v)[0];
/** A numeric attribute as numbers (one value or several); undefined when absent. */
export const numbers = (v: unknown): number[] | undefined =>
  v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(Number);

/** InvalidInputError when the SEG does not segment `series` (another series or frame of reference). */
export function checkReferencedSeries(ds: NaturalDataset, series: DicomSeriesResult): void {
  const refSeries = seq(ds.ReferencedSeriesSequence).map((r) => String(r.SeriesInstanceUID));
  const sourceUids = new Set<string>();
  for (const f of seq(ds.PerFrameFunctionalGroupsSequence))
    for (const d of seq(f.DerivationImageSequence))
      for (const s of seq(d.SourceImageSequence))
        sourceUids.add(String(s.ReferencedSOPInstanceUID));
  const seriesSops = new Set(series.sopInstanceUIDs);
  const matches = [...sourceUids].filter((u) => seriesSops.has(u)).length;
  if (
    (refSeries.length > 0 && !refSeries.includes(series.seriesInstanceUID)) ||
    (sourceUids.size > 0 && matches === 0)
  ) {
    throw new InvalidInputError(
      `The SEG references another series (${refSeries.join(', ') || `${sourceUids.size} unknown source images`}), not the given series ${series.seriesInstanceUID}`,
    );
  }
  if (
    ds.FrameOfReferenceUID &&
    series.frameOfReferenceUID &&
    ds.FrameOfReferenceUID !== series.frameOfReferenceUID &&
    matches === 0
  ) {
    throw new InvalidInputError(
      `The SEG is in frame of reference ${String(ds.FrameOfReferenceUID)}, the series in ${series.frameOfReferenceUID}`,
    );
  }
}

/**
 * The series slice of a SEG frame (its per-frame functional group `f`, 0-based index `i`): by
 * its source image (ReferencedSOPInstanceUID, and the frame number for a multi-frame source),
 * else by its ImagePositionPatient, which must lie on a slice of the series.
 */
export function frameSliceOf(
  ds: NaturalDataset,
  series: DicomSeriesResult,
): (f: NaturalDataset, i: number) => number {
  const vol = series.volume;
  // slice index of each source (instance, frame)
  const sliceOf = new Map<string, number>();
  series.slices.forEach((s, k) => sliceOf.set(`${s.sopInstanceUID}#${s.frameIndex}`, k));
  const multiFrameSource = series.instanceMetadata.some((m) => m.NumberOfFrames > 1);
  const sharedPos = first(first(ds.SharedFunctionalGroupsSequence)?.PlanePositionSequence);
  return (f, i) => {
    const src = first(first(f.DerivationImageSequence)?.SourceImageSequence);
    // a multi-frame source needs the frame number; without it, map by position instead
    if (src && (!multiFrameSource || src.ReferencedFrameNumber !== undefined)) {
      const frameNo =
        src.ReferencedFrameNumber !== undefined
          ? Number(numbers(src.ReferencedFrameNumber)?.[0])
          : 1;
      const k = sliceOf.get(
        `${String(src.ReferencedSOPInstanceUID)}#${multiFrameSource ? frameNo - 1 : 0}`,
      );
      if (k !== undefined) return k;
    }
    const ipp = numbers((first(f.PlanePositionSequence) ?? sharedPos)?.ImagePositionPatient);
    if (!ipp || ipp.length !== 3) {
      throw new InvalidInputError(
        `SEG frame ${i + 1} has neither a source image in the series nor an ImagePositionPatient`,
      );
    }
    const [x, y, z] = worldToIndex(vol, ipp as Vec3);
    const k = Math.round(z);
    if (
      Math.abs(x) > 0.01 ||
      Math.abs(y) > 0.01 ||
      Math.abs(z - k) > 0.01 ||
      k < 0 ||
      k >= vol.dims[2]
    ) {
      throw new InvalidInputError(
        `SEG frame ${i + 1} at ImagePositionPatient [${ipp.join(', ')}] is not on a slice of the series`,
      );
    }
    return k;
  };
}
