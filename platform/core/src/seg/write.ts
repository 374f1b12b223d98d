import type { DicomSeriesResult } from '../dicom/index.ts';
import { GeometryMismatchError, InvalidInputError } from '../errors/index.ts';
import {
  describeGrid,
  gridDifference,
  labelLayers,
  type LabelArray,
  type LabelInfo,
  type LabelVolume,
  type StructureCodes,
} from '../geometry/index.ts';
import { rgbToDicomLab, writePart10, type NaturalDataset } from '../dicom/dcmjs.ts';
import { dicomDateTime, dsString, newUid } from './ds.ts';
import {
  DEFAULT_CATEGORY,
  DEFAULT_TYPE,
  LABELMAP_SEG_SOP_CLASS_UID,
  SEG_SOP_CLASS_UID,
  type SegmentAlgorithmType,
  type SegmentDefinition,
} from './types.ts';

export interface WriteDicomSegOptions {
  seriesDescription: string;
  /** algorithm identification for model outputs; absent = MANUAL (an annotator's labels) */
  algorithm?: { name: string; version: string; type: SegmentAlgorithmType };
  /** one per label to write, in any order; SegmentNumber = rank by label (1, 2, ...) */
  segments: SegmentDefinition[];
  seriesNumber?: number;
  /** ContentLabel (CS: upper case, digits, space, underscore; at most 16) */
  contentLabel?: string;
  contentCreatorName?: string;
  /** fixed UIDs and time, for reproducible files (the sample study) */
  seriesInstanceUID?: string;
  sopInstanceUID?: string;
  date?: Date;
  softwareVersion?: string;
  /**
   * BINARY (default): 1-bit frames per segment, overlap allowed. LABELMAP: Label Map
   * Segmentation Storage, 8/16-bit frames of segment numbers (no overlap). docs/seg.md.
   */
  segmentationType?: 'BINARY' | 'LABELMAP';
}

const ALGORITHM_FAMILY_AI = {
  CodeValue: '123110',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Artificial Intelligence',
};
const PURPOSE_SOURCE = {
  CodeValue: '121322',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Source image for image processing operation',
};
const DERIVATION_SEGMENTATION = {
  CodeValue: '113076',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Segmentation',
};

/** Attribute tags as AT values. */
const AT = {
  ReferencedSegmentNumber: 0x0062000b,
  SegmentIdentificationSequence: 0x0062000a,
  ImagePositionPatient: 0x00200032,
  PlanePositionSequence: 0x00209113,
};

function asciiCs(s: string, max = 16): string {
  return s
    .toUpperCase()
    .replace(/[^A-Z0-9 _]/g, '_')
    .slice(0, max);
}

/** Truncates a string to a VR's maximum length (LO 64, SH 16, ...). */
const cut = (s: string | undefined, max: number) => (s ?? '').slice(0, max);

/** The codes written for one segment: the first source that names a type, else the defaults. */
function segmentCodes(d: SegmentDefinition, info: LabelInfo | undefined): StructureCodes {
  const fromFields: StructureCodes = { category: d.category, type: d.type };
  const chosen = [d.codes, info?.codes, fromFields].find((c) => c?.type) ?? fromFields;
  return {
    ...chosen,
    category: chosen.category ?? DEFAULT_CATEGORY,
    type: chosen.type ?? DEFAULT_TYPE,
  };
}

/** The code sequences of a SegmentSequence item (modifiers inside their parent's item). */
function codeSequences(codes: StructureCodes): NaturalDataset {
  const type: NaturalDataset = { ...codes.type };
  if (codes.typeModifier) type.SegmentedPropertyTypeModifierCodeSequence = [codes.typeModifier];
  const out: NaturalDataset = {
    SegmentedPropertyCategoryCodeSequence: [{ ...codes.category }],
    SegmentedPropertyTypeCodeSequence: [type],
  };
  if (codes.anatomicRegion) {
    const region: NaturalDataset = { ...codes.anatomicRegion };
    if (codes.anatomicRegionModifier)
      region.AnatomicRegionModifierSequence = [codes.anatomicRegionModifier];
    out.AnatomicRegionSequence = [region];
  }
  return out;
}

/**
 * Writes a labelmap (a structure set: docs/seg.md) as a DICOM Segmentation (explicit VR little
 * endian, encoded by dcmjs) on the grid of its source series, with per-segment names, colours
 * (CIELab), codes and algorithm identification; every frame references its source image.
 * - BINARY (default): one 1-bit frame per (segment, slice that holds it). Structures on
 *   overlap layers (LabelVolume.overlapLayers) are written from their own layer, so
 *   overlapping structures stay overlapping.
 * - LABELMAP (Label Map Segmentation Storage): one 8- or 16-bit frame of segment numbers per
 *   slice that holds any label; slices without labels have no frame. Overlap cannot be stored.
 */
export function writeDicomSeg(
  labels: LabelVolume,
  series: DicomSeriesResult,
  options: WriteDicomSegOptions,
): Uint8Array {
  const diff = gridDifference(labels, series.volume);
  if (diff) {
    throw new GeometryMismatchError(
      `The labelmap is not on the source series grid (${diff}): labels ${describeGrid(labels)}; series ${describeGrid(series.volume)}`,
    );
  }
  const segmentationType = options.segmentationType ?? 'BINARY';
  if (segmentationType !== 'BINARY' && segmentationType !== 'LABELMAP') {
    throw new InvalidInputError(`SEG type ${String(segmentationType)}: write BINARY or LABELMAP`);
  }
  const layers = labelLayers(labels);
  if (segmentationType === 'LABELMAP' && layers.length > 1) {
    throw new InvalidInputError(
      `A LABELMAP SEG cannot hold overlapping structures (the labelmap has ${layers.length} layers): write a BINARY SEG`,
    );
  }
  const defs = [...options.segments].sort((a, b) => a.label - b.label);
  if (defs.length === 0) throw new InvalidInputError('A DICOM SEG needs at least one segment');
  if (defs.length > 65535) throw new InvalidInputError(`${defs.length} segments: at most 65535`);
  const seenLabels = new Set<number>();
  for (const d of defs) {
    if (!Number.isInteger(d.label) || d.label <= 0) {
      throw new InvalidInputError(`Segment label ${d.label} must be a positive integer`);
    }
    if (seenLabels.has(d.label))
      throw new InvalidInputError(`Segment label ${d.label} is listed twice`);
    seenLabels.add(d.label);
  }
  const infoOf = new Map((labels.labels ?? []).map((l) => [l.label, l]));
  const layerOf = defs.map((d) => d.layer ?? infoOf.get(d.label)?.layer ?? 0);
  const [nx, ny, nz] = labels.dims;
  const sliceSize = nx * ny;
  // which slices hold which label (on the layer that holds it)
  const labelIndex = new Map(defs.map((d, i) => [d.label, i]));
  const present: boolean[][] = defs.map(() => new Array<boolean>(nz).fill(false));
  layers.forEach((layer, l) => {
    for (let k = 0; k < nz; k++) {
      const base = k * sliceSize;
      for (let p = 0; p < sliceSize; p++) {
        const v = layer[base + p];
        if (v === 0) continue;
        const s = labelIndex.get(v);
        if (s === undefined) {
          throw new InvalidInputError(
            `Label ${v} is in the labelmap but has no segment definition (defined: ${defs.map((d) => d.label).join(', ')})`,
          );
        }
        if (layerOf[s] !== l) {
          throw new InvalidInputError(
            `Label ${v} is on layer ${l} of the labelmap but its structure is on layer ${layerOf[s]}`,
          );
        }
        present[s][k] = true;
      }
    }
  });
  const frames: { segment: number; k: number }[] = [];
  if (segmentationType === 'BINARY') {
    defs.forEach((_, s) => {
      const ks = present[s].flatMap((p, k) => (p ? [k] : []));
      // an empty segment keeps one empty frame so that it stays referenced
      for (const k of ks.length ? ks : [0]) frames.push({ segment: s, k });
    });
  } else {
    const ks = Array.from({ length: nz }, (_, k) => k).filter((k) => present.some((p) => p[k]));
    // an empty labelmap keeps one (empty) frame: a SEG has at least one
    for (const k of ks.length ? ks : [0]) frames.push({ segment: -1, k });
  }

  const first = series.instanceMetadata[0];
  const when = dicomDateTime(options.date ?? new Date());
  const seriesUid = options.seriesInstanceUID ?? newUid();
  const sopUid = options.sopInstanceUID ?? newUid();
  const dimensionOrganizationUid = newUidFrom(sopUid, 1);
  const iop = first.ImageOrientationPatient ?? (series.volume.direction.slice(0, 6) as number[]);
  const pixelSpacing = first.PixelSpacing ?? [series.volume.spacing[1], series.volume.spacing[0]];
  const sopClassOf = new Map(series.instanceMetadata.map((m) => [m.SOPInstanceUID, m.SOPClassUID]));
  const multiFrameSource = series.instanceMetadata.some((m) => m.NumberOfFrames > 1);
  const algorithmType = options.algorithm?.type ?? 'MANUAL';

  const segmentSequence = defs.map((d, s) => {
    const item: NaturalDataset = {
      SegmentNumber: s + 1,
      SegmentLabel: cut(d.name, 64),
      SegmentAlgorithmType: algorithmType,
      ...codeSequences(segmentCodes(d, infoOf.get(d.label))),
    };
    if (d.description) item.SegmentDescription = cut(d.description, 64);
    if (algorithmType !== 'MANUAL' && options.algorithm) {
      item.SegmentAlgorithmName = cut(options.algorithm.name, 64);
      item.SegmentationAlgorithmIdentificationSequence = [
        {
          AlgorithmFamilyCodeSequence: [ALGORITHM_FAMILY_AI],
          AlgorithmName: cut(options.algorithm.name, 64),
          AlgorithmVersion: cut(options.algorithm.version, 64),
        },
      ];
    }
    if (d.color) item.RecommendedDisplayCIELabValue = rgbToDicomLab(d.color);
    return item;
  });

  const perFrame = frames.map(({ segment, k }) => {
    const slice = series.slices[k];
    const source: NaturalDataset = {
      ReferencedSOPClassUID: sopClassOf.get(slice.sopInstanceUID) ?? series.sopClassUID,
      ReferencedSOPInstanceUID: slice.sopInstanceUID,
      PurposeOfReferenceCodeSequence: [PURPOSE_SOURCE],
    };
    if (multiFrameSource) source.ReferencedFrameNumber = slice.frameIndex + 1;
    const group: NaturalDataset = {
      DerivationImageSequence: [
        { SourceImageSequence: [source], DerivationCodeSequence: [DERIVATION_SEGMENTATION] },
      ],
      FrameContentSequence: [
        { DimensionIndexValues: segment >= 0 ? [segment + 1, k + 1] : [k + 1] },
      ],
      PlanePositionSequence: [{ ImagePositionPatient: slice.position.map(dsString) }],
    };
    if (segment >= 0)
      group.SegmentIdentificationSequence = [{ ReferencedSegmentNumber: segment + 1 }];
    return group;
  });

  const positionDimension = {
    DimensionOrganizationUID: dimensionOrganizationUid,
    DimensionIndexPointer: AT.ImagePositionPatient,
    FunctionalGroupPointer: AT.PlanePositionSequence,
    DimensionDescriptionLabel: 'ImagePositionPatient',
  };
  const segmentDimension = {
    DimensionOrganizationUID: dimensionOrganizationUid,
    DimensionIndexPointer: AT.ReferencedSegmentNumber,
    FunctionalGroupPointer: AT.SegmentIdentificationSequence,
    DimensionDescriptionLabel: 'ReferencedSegmentNumber',
  };
  const labelmap = segmentationType === 'LABELMAP';
  const bitsAllocated = labelmap ? (defs.length <= 255 ? 8 : 16) : 1;

  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: labelmap ? LABELMAP_SEG_SOP_CLASS_UID : SEG_SOP_CLASS_UID,
    SOPInstanceUID: sopUid,
    StudyDate: first.StudyDate ?? '',
    SeriesDate: when.date,
    ContentDate: when.date,
    StudyTime: first.StudyTime ?? '',
    SeriesTime: when.time,
    ContentTime: when.time,
    AccessionNumber: first.AccessionNumber ?? '',
    Modality: 'SEG',
    Manufacturer: 'Concord',
    ReferringPhysicianName: first.ReferringPhysicianName ?? '',
    StudyDescription: first.StudyDescription ?? '',
    SeriesDescription: cut(options.seriesDescription, 64),
    ManufacturerModelName: 'Concord',
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: series.seriesInstanceUID,
        ReferencedInstanceSequence: series.instanceMetadata.map((m) => ({
          ReferencedSOPClassUID: m.SOPClassUID,
          ReferencedSOPInstanceUID: m.SOPInstanceUID,
        })),
      },
    ],
    PatientName: first.PatientName ?? '',
    PatientID: first.PatientID ?? '',
    PatientBirthDate: first.PatientBirthDate ?? '',
    PatientSex: first.PatientSex ?? '',
    DeviceSerialNumber: '1',
    SoftwareVersions: options.softwareVersion ?? '0.1.0',
    StudyInstanceUID: series.studyInstanceUID,
    SeriesInstanceUID: seriesUid,
    StudyID: first.StudyID ?? '',
    SeriesNumber: options.seriesNumber ?? 300,
    InstanceNumber: 1,
    FrameOfReferenceUID: series.frameOfReferenceUID ?? first.FrameOfReferenceUID,
    PositionReferenceIndicator: '',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: labelmap ? [positionDimension] : [segmentDimension, positionDimension],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: frames.length,
    Rows: ny,
    Columns: nx,
    BitsAllocated: bitsAllocated,
    BitsStored: bitsAllocated,
    HighBit: bitsAllocated - 1,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: segmentationType,
    ContentLabel: asciiCs(options.contentLabel ?? 'SEGMENTATION'),
    ContentDescription: cut(options.seriesDescription, 64),
    ContentCreatorName: cut(options.contentCreatorName, 64),
    SegmentSequence: segmentSequence,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [
          {
            PixelSpacing: pixelSpacing.map(dsString),
            SliceThickness: dsString(first.SliceThickness ?? series.volume.spacing[2]),
            SpacingBetweenSlices: dsString(series.volume.spacing[2]),
          },
        ],
        PlaneOrientationSequence: [{ ImageOrientationPatient: iop.map(dsString) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    PixelData: labelmap
      ? labelmapFrames(labels.data, frames, defs, bitsAllocated, sliceSize)
      : packFrames(
          frames,
          defs.map((d, s) => ({ label: d.label, layer: layers[layerOf[s]] })),
          sliceSize,
        ),
    _vrMap: { PixelData: bitsAllocated === 16 ? 'OW' : 'OB' },
  };
  return writePart10(dataset);
}

/** Binary frames packed contiguously, 8 pixels per byte, first pixel in the lowest bit. */
function packFrames(
  frames: { segment: number; k: number }[],
  segments: { label: number; layer: LabelArray }[],
  sliceSize: number,
): ArrayBuffer {
  const bits = sliceSize * frames.length;
  const bytes = new Uint8Array(Math.ceil(bits / 8) + (Math.ceil(bits / 8) % 2));
  let bit = 0;
  for (const { segment, k } of frames) {
    const { label, layer } = segments[segment];
    const base = k * sliceSize;
    for (let p = 0; p < sliceSize; p++, bit++) {
      if (layer[base + p] === label) bytes[bit >> 3] |= 1 << (bit & 7);
    }
  }
  return bytes.buffer;
}

/** Label map frames: the segment number (rank of the label) per pixel, 8 or 16 bit little endian. */
function labelmapFrames(
  data: LabelArray,
  frames: { k: number }[],
  defs: SegmentDefinition[],
  bitsAllocated: number,
  sliceSize: number,
): ArrayBuffer {
  const numberOf = new Uint16Array(defs[defs.length - 1].label + 1);
  defs.forEach((d, s) => (numberOf[d.label] = s + 1));
  const n = sliceSize * frames.length;
  const bytes = new Uint8Array((bitsAllocated / 8) * n + (bitsAllocated === 8 ? n % 2 : 0));
  let o = 0;
  for (const { k } of frames) {
    const base = k * sliceSize;
    for (let p = 0; p < sliceSize; p++, o++) {
      const v = numberOf[data[base + p]];
      if (bitsAllocated === 8) bytes[o] = v;
      else {
        bytes[2 * o] = v & 0xff;
        bytes[2 * o + 1] = v >> 8;
      }
    }
  }
  return bytes.buffer;
}

/** A second UID derived deterministically from a first (for reproducible files). */
function newUidFrom(uid: string, n: number): string {
  const s = `${uid}.${n}`;
  return s.length <= 64 ? s : newUid();
}
