import type { DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import {
  gridOf,
  worldToIndex,
  type LabelInfo,
  type LabelVolume,
  type Vec3,
} from '../geometry/index.ts';
import { dcmjs, dicomLabToRgb, fixUtf8InSequences, type NaturalDataset } from '../dicom/dcmjs.ts';
import { SEG_SOP_CLASS_UID, type CodedConcept, type SegmentInfo } from './types.ts';

export interface DicomSegResult {
  /** segment number per voxel; where segments overlap, the highest segment number wins */
  labels: LabelVolume;
  segments: SegmentInfo[];
  /** true when any voxel belongs to more than one segment */
  overlapping: boolean;
  /**
   * Each segment on its own, when segments overlap or the SEG is FRACTIONAL: a 0/1 mask
   * (Uint8Array) for BINARY, the fraction 0..1 (Float32Array) for FRACTIONAL.
   */
  perSegment?: { segmentNumber: number; data: Uint8Array | Float32Array }[];
  segmentationType: 'BINARY' | 'FRACTIONAL';
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesDescription?: string;
}

type Seq = NaturalDataset[];
const seq = (v: unknown): Seq => (Array.isArray(v) ? (v as Seq) : v ? [v as NaturalDataset] : []);
const first = (v: unknown): NaturalDataset | undefined => seq(v)[0];
const numbers = (v: unknown): number[] | undefined =>
  v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(Number);

function parseSeg(bytes: Uint8Array): { ds: NaturalDataset; transferSyntax: string } {
  if (bytes.length === 0) throw new InvalidInputError('DICOM SEG file is empty');
  let parsed;
  try {
    const copy = bytes.slice().buffer;
    parsed = dcmjs.data.DicomMessage.readFile(copy, { ignoreErrors: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InvalidInputError(`Not a readable DICOM file (${msg.split('\n')[0]})`);
  }
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const ds = fixUtf8InSequences(dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict));
  return { ds, transferSyntax: String(meta.TransferSyntaxUID ?? '') };
}

function code(v: unknown): CodedConcept | undefined {
  const c = first(v);
  if (!c) return undefined;
  return {
    CodeValue: String(c.CodeValue ?? ''),
    CodingSchemeDesignator: String(c.CodingSchemeDesignator ?? ''),
    CodeMeaning: String(c.CodeMeaning ?? ''),
  };
}

/**
 * Reads a DICOM SEG (BINARY or FRACTIONAL) onto the grid of the series it references. Frames
 * are mapped to slices by ReferencedSOPInstanceUID (and frame number), else by
 * ImagePositionPatient. A SEG of another series, a truncated file or a non-SEG object is
 * InvalidInputError naming what is wrong.
 */
export function readDicomSeg(
  bytes: Uint8Array,
  referencedSeries: DicomSeriesResult,
): DicomSegResult {
  const { ds, transferSyntax } = parseSeg(bytes);
  if (ds.SOPClassUID !== SEG_SOP_CLASS_UID) {
    throw new InvalidInputError(
      `Not a DICOM Segmentation (SOP class ${String(ds.SOPClassUID ?? 'missing')}, modality ${String(ds.Modality ?? '?')})`,
    );
  }
  if (
    !['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99'].includes(transferSyntax)
  ) {
    throw new UnsupportedFormatError(
      `DICOM SEG transfer syntax ${transferSyntax} is not supported (uncompressed only)`,
    );
  }
  const series = referencedSeries;
  const vol = series.volume;
  const refSeries = seq(ds.ReferencedSeriesSequence).map((r) => String(r.SeriesInstanceUID));
  const sourceUids = new Set<string>();
  const perFrame = seq(ds.PerFrameFunctionalGroupsSequence);
  const shared = first(ds.SharedFunctionalGroupsSequence);
  for (const f of perFrame) {
    for (const d of seq(f.DerivationImageSequence))
      for (const s of seq(d.SourceImageSequence))
        sourceUids.add(String(s.ReferencedSOPInstanceUID));
  }
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
  const rows = Number(ds.Rows);
  const cols = Number(ds.Columns);
  if (rows !== vol.dims[1] || cols !== vol.dims[0]) {
    throw new InvalidInputError(
      `The SEG frames are ${cols}x${rows} but the series images are ${vol.dims[0]}x${vol.dims[1]}`,
    );
  }
  const type = String(ds.SegmentationType ?? 'BINARY');
  if (type !== 'BINARY' && type !== 'FRACTIONAL') {
    throw new UnsupportedFormatError(`SegmentationType ${type} is not supported`);
  }
  const bitsAllocated = Number(ds.BitsAllocated);
  if (
    (type === 'BINARY' && bitsAllocated !== 1) ||
    (type === 'FRACTIONAL' && bitsAllocated !== 8)
  ) {
    throw new InvalidInputError(`${type} SEG with BitsAllocated ${bitsAllocated}`);
  }
  const maxFraction = Number(ds.MaximumFractionalValue ?? 255);

  const segments: SegmentInfo[] = seq(ds.SegmentSequence).map((s) => {
    const n = Number(s.SegmentNumber);
    const lab = numbers(s.RecommendedDisplayCIELabValue);
    return {
      segmentNumber: n,
      label: n,
      name: String(s.SegmentLabel ?? `Segment ${n}`),
      description: s.SegmentDescription ? String(s.SegmentDescription) : undefined,
      color: lab && lab.length === 3 ? dicomLabToRgb(lab) : undefined,
      algorithmType: String(s.SegmentAlgorithmType ?? 'MANUAL'),
      algorithmName: s.SegmentAlgorithmName ? String(s.SegmentAlgorithmName) : undefined,
      category: code(s.SegmentedPropertyCategoryCodeSequence),
      type: code(s.SegmentedPropertyTypeCodeSequence),
    };
  });
  if (segments.length === 0) throw new InvalidInputError('The SEG has no SegmentSequence');
  const segmentNumbers = new Set(segments.map((s) => s.segmentNumber));

  const nFrames = Number(ds.NumberOfFrames ?? perFrame.length);
  if (perFrame.length !== nFrames) {
    throw new InvalidInputError(
      `The SEG has ${nFrames} frames but ${perFrame.length} per-frame functional groups`,
    );
  }
  const pixelBuffers = seq(ds.PixelData) as unknown as ArrayBuffer[];
  const pixels = new Uint8Array(pixelBuffers[0] ?? new ArrayBuffer(0));
  const sliceSize = rows * cols;
  const needBytes = type === 'BINARY' ? Math.ceil((sliceSize * nFrames) / 8) : sliceSize * nFrames;
  if (pixels.length < needBytes) {
    throw new InvalidInputError(
      `The SEG pixel data is truncated: ${nFrames} frames of ${cols}x${rows} need ${needBytes} bytes, found ${pixels.length}`,
    );
  }

  // slice index of each source (instance, frame)
  const sliceOf = new Map<string, number>();
  series.slices.forEach((s, k) => sliceOf.set(`${s.sopInstanceUID}#${s.frameIndex}`, k));
  const multiFrameSource = series.instanceMetadata.some((m) => m.NumberOfFrames > 1);

  const nVoxels = vol.dims[0] * vol.dims[1] * vol.dims[2];
  const masks = new Map<number, Uint8Array | Float32Array>();
  for (const s of segments)
    masks.set(
      s.segmentNumber,
      type === 'BINARY' ? new Uint8Array(nVoxels) : new Float32Array(nVoxels),
    );

  const sharedPos = first(shared?.PlanePositionSequence);
  perFrame.forEach((f, i) => {
    const segNo = Number(
      (first(f.SegmentIdentificationSequence) ?? first(shared?.SegmentIdentificationSequence))
        ?.ReferencedSegmentNumber,
    );
    if (!segmentNumbers.has(segNo)) {
      throw new InvalidInputError(
        `SEG frame ${i + 1} refers to segment ${segNo}, which is not defined`,
      );
    }
    const k = frameSlice(f, i, sharedPos);
    const mask = masks.get(segNo)!;
    const base = k * sliceSize;
    if (type === 'BINARY') {
      let bit = i * sliceSize;
      for (let p = 0; p < sliceSize; p++, bit++) {
        if (pixels[bit >> 3] & (1 << (bit & 7))) mask[base + p] = 1;
      }
    } else {
      const off = i * sliceSize;
      for (let p = 0; p < sliceSize; p++) {
        const v = pixels[off + p] / maxFraction;
        if (v > mask[base + p]) mask[base + p] = v;
      }
    }
  });

  function frameSlice(
    f: NaturalDataset,
    i: number,
    sharedPosition: NaturalDataset | undefined,
  ): number {
    const src = first(first(f.DerivationImageSequence)?.SourceImageSequence);
    // a multi-frame source needs the frame number; without it, map by position instead
    if (src && (!multiFrameSource || src.ReferencedFrameNumber !== undefined)) {
      const frameNo =
        src.ReferencedFrameNumber !== undefined
          ? Number(numbers(src.ReferencedFrameNumber)?.[0])
          : 1;
      const key = `${String(src.ReferencedSOPInstanceUID)}#${multiFrameSource ? frameNo - 1 : 0}`;
      const k = sliceOf.get(key);
      if (k !== undefined) return k;
    }
    const ipp = numbers((first(f.PlanePositionSequence) ?? sharedPosition)?.ImagePositionPatient);
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
  }

  // label volume: highest segment number wins; note overlaps
  const maxSeg = Math.max(...segmentNumbers);
  const data = maxSeg <= 255 ? new Uint8Array(nVoxels) : new Uint16Array(nVoxels);
  let overlapping = false;
  const ordered = [...segments].sort((a, b) => a.segmentNumber - b.segmentNumber);
  for (const s of ordered) {
    const m = masks.get(s.segmentNumber)!;
    for (let v = 0; v < nVoxels; v++) {
      if (type === 'BINARY' ? m[v] : m[v] >= 0.5) {
        if (data[v] !== 0) overlapping = true;
        data[v] = s.segmentNumber;
      }
    }
  }
  const labelInfo: LabelInfo[] = segments.map((s) => ({
    label: s.label,
    name: s.name,
    color: s.color,
  }));
  return {
    labels: { ...gridOf(vol), data, labels: labelInfo },
    segments,
    overlapping,
    perSegment:
      overlapping || type === 'FRACTIONAL'
        ? ordered.map((s) => ({
            segmentNumber: s.segmentNumber,
            data: masks.get(s.segmentNumber)!,
          }))
        : undefined,
    segmentationType: type,
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesDescription: ds.SeriesDescription ? String(ds.SeriesDescription) : undefined,
  };
}
