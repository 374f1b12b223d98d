import type { DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import {
  gridOf,
  StructureLayers,
  type LabelInfo,
  type StructureCodes,
  type LabelVolume,
} from '../geometry/index.ts';
import { dicomLabToRgb } from '../dicom/dcmjs.ts';
import { checkReferencedSeries, first, frameSliceOf, numbers, seq } from './frames.ts';
import { parseSegDataset, segPixels, type ParsedSeg } from './parse.ts';
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

export interface ReadDicomSegOptions {
  /** Called as frames are decoded (about 100 times in all): frames done, frames in the SEG. */
  onProgress?: (framesDone: number, frames: number) => void;
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
  options: ReadDicomSegOptions = {},
): DicomSegResult {
  const parsed = parseSegDataset(bytes);
  if (parsed.ds.SOPClassUID === LABELMAP_SEG_SOP_CLASS_UID)
    return readLabelmapSeg(bytes, referencedSeries, parsed);
  const pixels = segPixels(parsed.ds);
  return readDicomSegPieces(
    parsed,
    pixels.length,
    (offset, length) => pixels.subarray(offset, offset + length),
    referencedSeries,
    options,
  );
}

/**
 * Bytes [offset, offset + length) of a SEG's Pixel Data value; the view may be reused by the
 * next call (a file read in pieces into one buffer).
 */
export type SegPixelReader = (offset: number, length: number) => Uint8Array;

/** Bytes of pixel data read per piece (whole frames; at least one frame). */
const PIECE_BYTES = 8 * 1024 * 1024;

export interface ReadDicomSegPiecesOptions extends ReadDicomSegOptions {
  /** Bytes of pixel data asked for per call of the reader (default 8 MiB; at least one frame). */
  pieceBytes?: number;
}

/**
 * readDicomSeg for a BINARY or FRACTIONAL SEG whose header is parsed (parseSegDataset) and whose
 * pixel data (`pixelBytes` of it available) is read in pieces through `readPixels`, in file
 * order: a big SEG file need not be held in memory whole (node/segFile.ts).
 */
export function readDicomSegPieces(
  parsed: ParsedSeg,
  pixelBytes: number,
  readPixels: SegPixelReader,
  referencedSeries: DicomSeriesResult,
  options: ReadDicomSegPiecesOptions = {},
): DicomSegResult {
  const decoder = decodeSegPieces(parsed, pixelBytes, referencedSeries, options);
  let step = decoder.next();
  while (!step.done) step = decoder.next(readPixels(step.value.offset, step.value.length));
  return step.value;
}

/**
 * readDicomSegPieces with pixel data that arrives over time (a download being decoded as it
 * comes in, docs/performance.md): `readPixels` may wait for the bytes it is asked for.
 */
export async function readDicomSegPiecesAsync(
  parsed: ParsedSeg,
  pixelBytes: number,
  readPixels: (offset: number, length: number) => Uint8Array | Promise<Uint8Array>,
  referencedSeries: DicomSeriesResult,
  options: ReadDicomSegPiecesOptions = {},
): Promise<DicomSegResult> {
  const decoder = decodeSegPieces(parsed, pixelBytes, referencedSeries, options);
  let step = decoder.next();
  while (!step.done) step = decoder.next(await readPixels(step.value.offset, step.value.length));
  return step.value;
}

/** A piece of pixel data the decoder asks for: bytes [offset, offset + length) of the value. */
interface PieceRequest {
  offset: number;
  length: number;
}

/**
 * The SEG reader as a generator: it yields the pieces of pixel data it needs, in file order,
 * and is resumed with their bytes (the readers above feed it synchronously or as bytes arrive).
 */
function* decodeSegPieces(
  { ds, transferSyntax }: ParsedSeg,
  pixelBytes: number,
  referencedSeries: DicomSeriesResult,
  options: ReadDicomSegPiecesOptions,
): Generator<PieceRequest, DicomSegResult, Uint8Array> {
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
  checkReferencedSeries(ds, series);
  const perFrame = seq(ds.PerFrameFunctionalGroupsSequence);
  const shared = first(ds.SharedFunctionalGroupsSequence);
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
  const sliceSize = rows * cols;
  const needBytes = type === 'BINARY' ? Math.ceil((sliceSize * nFrames) / 8) : sliceSize * nFrames;
  if (pixelBytes < needBytes) {
    throw new InvalidInputError(
      `The SEG pixel data is truncated: ${nFrames} frames of ${cols}x${rows} need ${needBytes} bytes, found ${pixelBytes}`,
    );
  }

  const nVoxels = vol.dims[0] * vol.dims[1] * vol.dims[2];
  // FRACTIONAL: the fraction of each segment is kept (soft inputs); membership is fraction >= 0.5
  const fractions = new Map<number, Float32Array>();
  if (type === 'FRACTIONAL')
    for (const s of segments) fractions.set(s.segmentNumber, new Float32Array(nVoxels));

  // the segment and slice of each frame
  const frameAt: { segment: number; slice: number }[] = [];
  const sliceOfFrame = frameSliceOf(ds, series);
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
    frameAt.push({ segment: segNo, slice: sliceOfFrame(f, i) });
  });

  const threshold = 0.5 * maxFraction;
  // the runs of set pixels of each segment per slice (several frames on one slice are OR-ed),
  // frames decoded in file order, a piece of the pixel data at a time
  const runsOf = new Map<number, Map<number, number[]>>();
  for (const s of segments) runsOf.set(s.segmentNumber, new Map());
  const frameBits = type === 'BINARY' ? sliceSize : 8 * sliceSize;
  const perPiece = Math.max(1, Math.floor((8 * (options.pieceBytes ?? PIECE_BYTES)) / frameBits));
  const progressEvery = Math.max(1, Math.ceil(nFrames / 100));
  for (let f0 = 0; f0 < nFrames; f0 += perPiece) {
    const f1 = Math.min(nFrames, f0 + perPiece);
    const firstByte = Math.floor((f0 * frameBits) / 8);
    const piece: Uint8Array = yield {
      offset: firstByte,
      length: Math.ceil((f1 * frameBits) / 8) - firstByte,
    };
    for (let i = f0; i < f1; i++) {
      const { segment, slice: k } = frameAt[i];
      const bit0 = i * frameBits - 8 * firstByte;
      const frac = fractions.get(segment);
      if (frac) {
        const off = bit0 / 8;
        const base = k * sliceSize;
        for (let p = 0; p < sliceSize; p++) {
          const v = piece[off + p] / maxFraction;
          if (v > frac[base + p]) frac[base + p] = v;
        }
      }
      const runs =
        type === 'BINARY'
          ? binaryFrameRuns(piece, bit0, sliceSize)
          : fractionalFrameRuns(piece, bit0 / 8, sliceSize, threshold);
      if (runs.length) {
        const bySlice = runsOf.get(segment)!;
        const have = bySlice.get(k);
        if (have) for (const r of runs) have.push(r);
        else bySlice.set(k, runs);
      }
      if ((i + 1) % progressEvery === 0) options.onProgress?.(i + 1, nFrames);
    }
  }

  const layers = new StructureLayers(nVoxels, sliceSize, Math.max(...segmentNumbers));
  const ordered = [...segments].sort((a, b) => a.segmentNumber - b.segmentNumber);
  const layerOf = new Map<number, number>();
  for (const s of ordered) {
    layerOf.set(s.segmentNumber, layers.placeRuns(s.segmentNumber, runsOf.get(s.segmentNumber)!));
  }
  options.onProgress?.(nFrames, nFrames);
  const overlapping = layers.count > 1;
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

/**
 * The set pixels of a 1-bit frame (first pixel in the lowest bit of its byte, docs/seg.md) as
 * runs [start, end, …) of pixel offsets. The frame's whole bytes are read as aligned 32-bit
 * words where the buffer allows: all-zero words (most of a mask frame) are skipped 32 pixels at
 * a time and all-one words extend a run by 32; other words are looked at byte by byte (zero
 * and full bytes in one step), so the cost is about one look per word plus one per run.
 */
export function binaryFrameRuns(pixels: Uint8Array, bit0: number, n: number): number[] {
  const runs: number[] = [];
  let start = -1; // start of the open run, -1 when none
  let p = 0;
  // the bits before the frame's first whole byte (frames of a pixel count not divisible by 8)
  const head = Math.min(n, (8 - (bit0 & 7)) & 7);
  const bit = (q: number) => (pixels[(bit0 + q) >> 3] >> ((bit0 + q) & 7)) & 1;
  for (; p < head; p++) start = step(bit(p), p, start, runs);
  let byte = (bit0 + p) >> 3;
  const wholeBytes = (n - p) >> 3;
  // bytes up to the first one on a 4-byte boundary of the underlying buffer, then whole words
  const lead = Math.min(wholeBytes, (4 - ((pixels.byteOffset + byte) & 3)) & 3);
  for (let b = 0; b < lead; b++, p += 8, byte++) start = byteStep(pixels[byte], p, start, runs);
  const nWords = (wholeBytes - lead) >> 2;
  if (nWords > 0) {
    const words = new Uint32Array(pixels.buffer, pixels.byteOffset + byte, nWords);
    for (let w = 0; w < nWords; w++, p += 32, byte += 4) {
      const x = words[w];
      if (x === 0) {
        if (start >= 0) {
          runs.push(start, p);
          start = -1;
        }
        // the zero words after it at once (the common case: nothing set for a long stretch)
        while (w + 1 < nWords && words[w + 1] === 0) {
          w++;
          p += 32;
          byte += 4;
        }
      } else if (x === 0xffffffff) {
        if (start < 0) start = p;
      } else {
        // byte order in memory, whatever the platform's endianness
        start = byteStep(pixels[byte], p, start, runs);
        start = byteStep(pixels[byte + 1], p + 8, start, runs);
        start = byteStep(pixels[byte + 2], p + 16, start, runs);
        start = byteStep(pixels[byte + 3], p + 24, start, runs);
      }
    }
  }
  for (; p + 8 <= n; p += 8, byte++) start = byteStep(pixels[byte], p, start, runs);
  for (; p < n; p++) start = step(bit(p), p, start, runs);
  if (start >= 0) runs.push(start, n);
  return runs;
}

/** The 8 pixels of one whole byte starting at pixel p: returns the open run's start. */
function byteStep(v: number, p: number, start: number, runs: number[]): number {
  if (v === 0) {
    if (start >= 0) runs.push(start, p);
    return -1;
  }
  if (v === 0xff) return start < 0 ? p : start;
  for (let b = 0; b < 8; b++) start = step((v >> b) & 1, p + b, start, runs);
  return start;
}

/** One pixel of a run scan: opens or closes the run; returns the open run's start. */
function step(set: number, p: number, start: number, runs: number[]): number {
  if (set) return start < 0 ? p : start;
  if (start >= 0) runs.push(start, p);
  return -1;
}

/** The pixels of an 8-bit FRACTIONAL frame at or above `threshold`, as runs (see above). */
export function fractionalFrameRuns(
  pixels: Uint8Array,
  offset: number,
  n: number,
  threshold: number,
): number[] {
  const runs: number[] = [];
  let start = -1;
  for (let p = 0; p < n; p++) start = step(pixels[offset + p] >= threshold ? 1 : 0, p, start, runs);
  if (start >= 0) runs.push(start, n);
  return runs;
}
