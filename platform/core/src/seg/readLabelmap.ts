/**
 * Reads a Label Map Segmentation (SOP class 1.2.840.10008.5.1.4.1.1.66.7, DICOM 2024, as
 * written by highdicom, dcmqi and Concord: docs/seg.md). Each frame is a slice of 8- or 16-bit
 * segment numbers; slices where nothing is labelled may have no frame at all. Frames are mapped
 * to slices of the referenced series by their source image (ReferencedSOPInstanceUID and frame
 * number) or else by ImagePositionPatient.
 */
import type { DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import {
  gridOf,
  type CodedConcept,
  type LabelInfo,
  type StructureCodes,
} from '../geometry/index.ts';
import { dicomLabToRgb, type NaturalDataset } from '../dicom/dcmjs.ts';
import { checkReferencedSeries, first, frameSliceOf, numbers, seq } from './frames.ts';
import { parseSegDataset, segPixels } from './parse.ts';
import type { DicomSegResult } from './read.ts';
import { LABELMAP_SEG_SOP_CLASS_UID, type SegmentInfo } from './types.ts';

const UNCOMPRESSED_LITTLE_ENDIAN = [
  '1.2.840.10008.1.2', // implicit VR little endian
  '1.2.840.10008.1.2.1', // explicit VR little endian
  '1.2.840.10008.1.2.1.99', // deflated explicit VR little endian
];

/** Parses Part 10 bytes into a naturalised dataset and its transfer syntax. */
export const parseDicomForSeg = parseSegDataset;

function code(v: unknown): CodedConcept | undefined {
  const c = first(v);
  if (!c || c.CodeValue === undefined) return undefined;
  return {
    CodeValue: String(c.CodeValue),
    CodingSchemeDesignator: String(c.CodingSchemeDesignator ?? ''),
    CodeMeaning: String(c.CodeMeaning ?? ''),
  };
}

const CODE_KEYS = [
  'category',
  'type',
  'typeModifier',
  'anatomicRegion',
  'anatomicRegionModifier',
] as const;

/** Every code of a SegmentSequence item (modifiers nested in their parent's item, PS3.3 C.8.20.4). */
export function segmentCodes(s: NaturalDataset): StructureCodes {
  const codes: StructureCodes = {};
  const set = <K extends keyof StructureCodes>(k: K, c: CodedConcept | undefined) => {
    if (c) codes[k] = c;
  };
  set('category', code(s.SegmentedPropertyCategoryCodeSequence));
  const type = first(s.SegmentedPropertyTypeCodeSequence);
  set('type', code(type));
  set(
    'typeModifier',
    code(
      type?.SegmentedPropertyTypeModifierCodeSequence ??
        s.SegmentedPropertyTypeModifierCodeSequence,
    ),
  );
  const region = first(s.AnatomicRegionSequence);
  set('anatomicRegion', code(region));
  set('anatomicRegionModifier', code(region?.AnatomicRegionModifierSequence));
  return codes;
}

/** The SegmentSequence as SegmentInfo (label = segment number). */
function readSegments(ds: NaturalDataset): SegmentInfo[] {
  return seq(ds.SegmentSequence).map((s) => {
    const n = Number(s.SegmentNumber);
    const lab = numbers(s.RecommendedDisplayCIELabValue);
    const codes = segmentCodes(s);
    return {
      segmentNumber: n,
      label: n,
      name: String(s.SegmentLabel ?? `Segment ${n}`),
      description: s.SegmentDescription ? String(s.SegmentDescription) : undefined,
      color: lab && lab.length === 3 ? dicomLabToRgb(lab) : undefined,
      algorithmType: String(s.SegmentAlgorithmType ?? 'MANUAL'),
      algorithmName: s.SegmentAlgorithmName ? String(s.SegmentAlgorithmName) : undefined,
      ...codes,
    };
  });
}

/**
 * Reads a Label Map SEG onto the grid of the series it references. Pixel value 0 (or the
 * Pixel Padding Value when present) is background, and a segment with that number describes
 * the background (it is not returned as a structure); every other value must be a segment
 * number of the SegmentSequence, otherwise InvalidInputError. Two frames on one slice may not label one
 * pixel differently (a label map cannot overlap).
 */
export function readLabelmapSeg(
  bytes: Uint8Array,
  referencedSeries: DicomSeriesResult,
  parsed = parseDicomForSeg(bytes),
): DicomSegResult {
  const { ds, transferSyntax } = parsed;
  if (ds.SOPClassUID !== LABELMAP_SEG_SOP_CLASS_UID) {
    throw new InvalidInputError(
      `Not a Label Map Segmentation (SOP class ${String(ds.SOPClassUID ?? 'missing')})`,
    );
  }
  if (!UNCOMPRESSED_LITTLE_ENDIAN.includes(transferSyntax)) {
    throw new UnsupportedFormatError(
      `DICOM SEG transfer syntax ${transferSyntax} is not supported (uncompressed only)`,
    );
  }
  const series = referencedSeries;
  const vol = series.volume;
  checkReferencedSeries(ds, series);
  const type = String(ds.SegmentationType ?? '');
  if (type !== 'LABELMAP') {
    throw new InvalidInputError(
      `Label Map SEG with SegmentationType ${type || '(missing)'} (expected LABELMAP)`,
    );
  }
  const rows = Number(ds.Rows);
  const cols = Number(ds.Columns);
  if (rows !== vol.dims[1] || cols !== vol.dims[0]) {
    throw new InvalidInputError(
      `The SEG frames are ${cols}x${rows} but the series images are ${vol.dims[0]}x${vol.dims[1]}`,
    );
  }
  const bitsAllocated = Number(ds.BitsAllocated);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new InvalidInputError(
      `LABELMAP SEG with BitsAllocated ${bitsAllocated} (expected 8 or 16)`,
    );
  }
  if (Number(ds.PixelRepresentation ?? 0) !== 0) {
    throw new InvalidInputError('LABELMAP SEG with signed pixels (PixelRepresentation must be 0)');
  }

  const background = ds.PixelPaddingValue !== undefined ? Number(ds.PixelPaddingValue) : 0;
  // a segment that carries the background value describes the background: not a structure
  const segments = readSegments(ds).filter((s) => s.segmentNumber !== background);
  if (segments.length === 0) throw new InvalidInputError('The SEG has no SegmentSequence');
  const maxValue = bitsAllocated === 8 ? 255 : 65535;
  const defined = new Uint8Array(maxValue + 1);
  for (const s of segments) {
    if (!Number.isInteger(s.segmentNumber) || s.segmentNumber < 1 || s.segmentNumber > maxValue) {
      throw new InvalidInputError(
        `LABELMAP SEG segment number ${s.segmentNumber} is not a ${bitsAllocated}-bit pixel value above 0`,
      );
    }
    defined[s.segmentNumber] = 1;
  }

  const perFrame = seq(ds.PerFrameFunctionalGroupsSequence);
  const nFrames = Number(ds.NumberOfFrames ?? perFrame.length);
  if (perFrame.length !== nFrames) {
    throw new InvalidInputError(
      `The SEG has ${nFrames} frames but ${perFrame.length} per-frame functional groups`,
    );
  }
  const raw = segPixels(ds);
  const sliceSize = rows * cols;
  const bytesPerPixel = bitsAllocated / 8;
  const needBytes = sliceSize * nFrames * bytesPerPixel;
  if (raw.length < needBytes) {
    throw new InvalidInputError(
      `The SEG pixel data is truncated: ${nFrames} frames of ${cols}x${rows} need ${needBytes} bytes, found ${raw.length}`,
    );
  }
  // 16-bit values are little endian (transfer syntaxes above); read them from any byte offset
  const pixel =
    bitsAllocated === 8 ? (p: number) => raw[p] : (p: number) => raw[2 * p] | (raw[2 * p + 1] << 8);

  const sliceOfFrame = frameSliceOf(ds, series);
  const slices = perFrame.map((f, i) => sliceOfFrame(f, i));
  const maxSegment = Math.max(...segments.map((s) => s.segmentNumber));
  const nVoxels = vol.dims[0] * vol.dims[1] * vol.dims[2];
  const data = maxSegment <= 255 ? new Uint8Array(nVoxels) : new Uint16Array(nVoxels);
  const frameOfVoxel = new Map<number, number>(); // slice -> first frame that filled it
  slices.forEach((k, i) => {
    const src = i * sliceSize;
    const dst = k * sliceSize;
    const earlier = frameOfVoxel.get(k);
    if (earlier === undefined) frameOfVoxel.set(k, i);
    for (let p = 0; p < sliceSize; p++) {
      const v = pixel(src + p);
      if (v === background) continue;
      if (!defined[v]) {
        throw new InvalidInputError(
          `LABELMAP SEG frame ${i + 1} holds pixel value ${v}, which is not a segment number (defined: ${segments.map((s) => s.segmentNumber).join(', ')})`,
        );
      }
      const prev = data[dst + p];
      if (prev !== 0 && prev !== v) {
        throw new InvalidInputError(
          `LABELMAP SEG frames ${earlier! + 1} and ${i + 1} give one pixel of slice ${k + 1} two segments (${prev} and ${v}); a label map cannot overlap`,
        );
      }
      data[dst + p] = v;
    }
  });

  const labels: LabelInfo[] = segments.map((s) => {
    const codes: StructureCodes = {};
    for (const key of CODE_KEYS) if (s[key]) codes[key] = s[key];
    return {
      label: s.label,
      name: s.name,
      color: s.color,
      ...(Object.keys(codes).length ? { codes } : {}),
    };
  });
  return {
    labels: { ...gridOf(vol), data, labels },
    segments,
    overlapping: false,
    segmentationType: 'LABELMAP',
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesDescription: ds.SeriesDescription ? String(ds.SeriesDescription) : undefined,
  };
}
