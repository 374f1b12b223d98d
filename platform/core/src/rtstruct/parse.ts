/**
 * The attributes of an RT Structure Set that readRtStruct uses, as a plain object keyed by
 * keyword (sequences as arrays of such objects, multi-valued attributes as arrays of strings).
 * Parsed with dicom-parser: contour data is most of an RTSTRUCT's bytes, and dcmjs took ~2 s
 * for the 3 MB plastimatch file of the sample where dicom-parser takes ~0.1 s.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { asPart10 } from '../dicom/sniff.ts';
import { InvalidInputError } from '../errors/index.ts';

export type RtDataset = { [keyword: string]: string | string[] | RtDataset[] | undefined };

/** keyword -> dicom-parser tag of every attribute read (docs/structures.md, "RTSTRUCT"). */
const TAGS: Record<string, string> = {
  SpecificCharacterSet: 'x00080005',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  Modality: 'x00080060',
  SeriesDescription: 'x0008103e',
  SeriesInstanceUID: 'x0020000e',
  FrameOfReferenceUID: 'x00200052',
  ReferencedSOPInstanceUID: 'x00081155',
  ReferencedFrameNumber: 'x00081160',
  CodeValue: 'x00080100',
  CodingSchemeDesignator: 'x00080102',
  CodeMeaning: 'x00080104',
  LongCodeValue: 'x00080119',
  URNCodeValue: 'x00080120',
  AnatomicRegionSequence: 'x00082218',
  AnatomicRegionModifierSequence: 'x00082220',
  SegmentedPropertyCategoryCodeSequence: 'x00620003',
  SegmentedPropertyTypeModifierCodeSequence: 'x00620011',
  StructureSetLabel: 'x30060002',
  ReferencedFrameOfReferenceSequence: 'x30060010',
  RTReferencedStudySequence: 'x30060012',
  RTReferencedSeriesSequence: 'x30060014',
  ContourImageSequence: 'x30060016',
  StructureSetROISequence: 'x30060020',
  ROINumber: 'x30060022',
  ReferencedFrameOfReferenceUID: 'x30060024',
  ROIName: 'x30060026',
  ROIDisplayColor: 'x3006002a',
  ROIContourSequence: 'x30060039',
  ContourSequence: 'x30060040',
  ContourGeometricType: 'x30060042',
  NumberOfContourPoints: 'x30060046',
  ContourData: 'x30060050',
  RTROIObservationsSequence: 'x30060080',
  ReferencedROINumber: 'x30060084',
  RTROIIdentificationCodeSequence: 'x30060086',
  RTROIInterpretedType: 'x300600a4',
};
const ENTRIES = Object.entries(TAGS);

interface Decoder {
  decode(bytes: Uint8Array): string;
}

/** TextDecoder label of a SpecificCharacterSet (the first value; latin-1 when unknown). */
function decoderFor(charset: string | undefined): Decoder {
  const cs = (charset ?? '').split('\\')[0].trim();
  const label = cs === 'ISO_IR 192' ? 'utf-8' : cs === 'GB18030' ? 'gb18030' : 'latin1';
  return new TextDecoder(label);
}

function convert(ds: DataSet, decoder: Decoder): RtDataset {
  const out: RtDataset = {};
  for (const [keyword, tag] of ENTRIES) {
    const el = ds.elements[tag];
    if (!el) continue;
    if (el.items) {
      out[keyword] = el.items.filter((i) => i.dataSet).map((i) => convert(i.dataSet!, decoder));
      continue;
    }
    if (el.length === 0) {
      out[keyword] = '';
      continue;
    }
    const raw = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    // trailing padding (space, NUL) and each value's surrounding spaces are not content
    const values = decoder
      .decode(raw)
      .replace(/[\0 ]+$/, '')
      .split('\\')
      .map((v: string) => v.trim());
    out[keyword] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** Deflated Explicit VR Little Endian: the data set after the meta header is deflated. */
function inflater(arr: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(arr.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position));
  full.set(inflated, position);
  return full;
}

/** Parses RTSTRUCT bytes (Part 10 or a bare data set); unreadable input is InvalidInputError. */
export function parseRtStruct(bytes: Uint8Array): RtDataset {
  if (bytes.length === 0) throw new InvalidInputError('RTSTRUCT file is empty');
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(asPart10(bytes), { inflater });
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    // dicom-parser throws strings, Errors, or {exception, dataSet} objects
    const inner =
      e && typeof e === 'object' && 'exception' in e ? (e as { exception: unknown }).exception : e;
    const msg =
      typeof inner === 'string' ? inner : inner instanceof Error ? inner.message : String(inner);
    throw new InvalidInputError(`Not a readable DICOM file (${msg.split('\n')[0]})`);
  }
  const charset = ds.string(TAGS.SpecificCharacterSet);
  return convert(ds, decoderFor(charset));
}
