import type { DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import {
  gridOf,
  StructureLayers,
  worldToIndex,
  type LabelInfo,
  type StructureCodes,
  type LabelVolume,
  type Vec3,
} from '../geometry/index.ts';
import { dcmjs, dicomLabToRgb, fixUtf8InSequences, type NaturalDataset } from '../dicom/dcmjs.ts';
import { SEG_SOP_CLASS_UID, type CodedConcept, type SegmentInfo } from './types.ts';
import { LABELMAP_SEG_SOP_CLASS_UID } from './types.ts';
import { readLabelmapSeg } from './readLabelmap.ts';

export interface DicomSegResult {
  /**
   * The segments as a structure set (docs/structures.md): segment number per voxel, with
   * segments that overlap others on further layers (`overlapLayers`, LabelInfo.layer).
   */
  labels: LabelVolume;
  segments: SegmentInfo[];
  /** true when any voxel belongs to more than one segment (the labels have overlap layers) */
  overlapping: boolean;
  /** FRACTIONAL SEGs only: each segment's fraction 0..1 (membership is fraction >= 0.5). */
  perSegment?: { segmentNumber: number; data: Float32Array }[];
  segmentationType: 'BINARY' | 'FRACTIONAL' | 'LABELMAP';
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

/** The codes of a segment that say what it is (undefined when it has none). */
function segmentCodes(s: SegmentInfo): StructureCodes | undefined {
  const codes: StructureCodes = {};
  for (const key of [
    'category',
    'type',
    'typeModifier',
    'anatomicRegion',
    'anatomicRegionModifier',
  ] as const) {
    if (s[key]) codes[key] = s[key];
  }
  return Object.keys(codes).length ? codes : undefined;
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
 * ImagePositionPatient. Each frame is decoded straight into the structure set's layers;
 * overlapping segments keep every voxel (docs/structures.md). A SEG of another series, a truncated file or a non-SEG object is
 * InvalidInputError naming what is wrong.
 */
export function readDicomSeg(
  bytes: Uint8Array,
  referencedSeries: DicomSeriesResult,
): DicomSegResult {
  const { ds, transferSyntax } = parseSeg(bytes);
  if (ds.SOPClassUID === LABELMAP_SEG_SOP_CLASS_UID)
    return readLabelmapSeg(bytes, referencedSeries, { ds, transferSyntax });
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
      typeModifier: code(
        first(s.SegmentedPropertyTypeCodeSequence)?.SegmentedPropertyTypeModifierCodeSequence,
      ),
      anatomicRegion: code(s.AnatomicRegionSequence),
      anatomicRegionModifier: code(first(s.AnatomicRegionSequence)?.AnatomicRegionModifierSequence),
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
  // FRACTIONAL: the fraction of each segment is kept (soft inputs); membership is fraction >= 0.5
  const fractions = new Map<number, Float32Array>();
  if (type === 'FRACTIONAL')
    for (const s of segments) fractions.set(s.segmentNumber, new Float32Array(nVoxels));

  // frames of each segment with their slice; decoded segment by segment, straight into layers
  const framesOf = new Map<number, { frame: number; slice: number }[]>();
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
    const list = framesOf.get(segNo) ?? [];
    list.push({ frame: i, slice: frameSlice(f, i, sharedPos) });
    framesOf.set(segNo, list);
  });

  // Decodes frame i into `out` (0/1 per pixel); returns whether any pixel is set.
  const threshold = 0.5 * maxFraction;
  function decodeFrame(i: number, out: Uint8Array): boolean {
    let any = false;
    if (type === 'BINARY') {
      out.fill(0);
      const bit0 = i * sliceSize;
      for (let p = 0; p < sliceSize;) {
        const bit = bit0 + p;
        // whole zero bytes are skipped: most of a mask frame is background
        if ((bit & 7) === 0 && p + 8 <= sliceSize && pixels[bit >> 3] === 0) {
          p += 8;
          continue;
        }
        if (pixels[bit >> 3] & (1 << (bit & 7))) {
          out[p] = 1;
          any = true;
        }
        p++;
      }
    } else {
      const off = i * sliceSize;
      for (let p = 0; p < sliceSize; p++) {
        const set = pixels[off + p] >= threshold ? 1 : 0;
        out[p] = set;
        if (set) any = true;
      }
    }
    return any;
  }

  const layers = new StructureLayers(nVoxels, sliceSize, Math.max(...segmentNumbers));
  const slice = new Uint8Array(sliceSize);
  const ordered = [...segments].sort((a, b) => a.segmentNumber - b.segmentNumber);
  const layerOf = new Map<number, number>();
  for (const s of ordered) {
    const frames = framesOf.get(s.segmentNumber) ?? [];
    const frac = fractions.get(s.segmentNumber);
    if (frac) {
      for (const { frame, slice: k } of frames) {
        const off = frame * sliceSize;
        const base = k * sliceSize;
        for (let p = 0; p < sliceSize; p++) {
          const v = pixels[off + p] / maxFraction;
          if (v > frac[base + p]) frac[base + p] = v;
        }
      }
    }
    // the decoded slices of this segment (several frames on one slice are OR-ed)
    const bySlice = new Map<number, Uint8Array>();
    for (const { frame, slice: k } of frames) {
      if (!decodeFrame(frame, slice)) continue;
      const have = bySlice.get(k);
      if (have) for (let p = 0; p < sliceSize; p++) have[p] |= slice[p];
      else bySlice.set(k, slice.slice());
    }
    layerOf.set(s.segmentNumber, layers.place(s.segmentNumber, bySlice));
  }
  const overlapping = layers.count > 1;
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

  const labelInfo: LabelInfo[] = segments.map((s) => ({
    label: s.label,
    name: s.name,
    color: s.color,
    layer: layerOf.get(s.segmentNumber) ?? 0,
    codes: segmentCodes(s),
  }));
  const [data, ...overlapLayers] = layers.arrays;
  return {
    labels: {
      ...gridOf(vol),
      data,
      labels: labelInfo,
      ...(overlapLayers.length ? { overlapLayers } : {}),
    },
    segments,
    overlapping,
    perSegment:
      type === 'FRACTIONAL'
        ? ordered.map((s) => ({
            segmentNumber: s.segmentNumber,
            data: fractions.get(s.segmentNumber)!,
          }))
        : undefined,
    segmentationType: type,
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesDescription: ds.SeriesDescription ? String(ds.SeriesDescription) : undefined,
  };
}
