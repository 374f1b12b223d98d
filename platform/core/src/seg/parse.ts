/**
 * Parsing a DICOM SEG for the readers (read.ts, readLabelmap.ts). dcmjs decodes the attributes
 * before the Per-frame Functional Groups (segments, codes, geometry: small, and with dcmjs's
 * character-set handling); the per-frame groups and the pixel data, which are nearly all of a
 * big SEG (116 segments on 512x512x300: 6,700 frames, 220 MB), are read with dicom-parser,
 * which keeps offsets into the bytes instead of copying them. dcmjs alone spent ~2 s per
 * 1,000 frames building a stream object per item and copying the pixel data.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { dcmjs, fixUtf8InSequences, type NaturalDataset } from '../dicom/dcmjs.ts';
import { InvalidInputError } from '../errors/index.ts';
import { SEG_SOP_CLASS_UID } from './types.ts';

const PER_FRAME = 'x52009230';
const PIXEL_DATA = 'x7fe00010';
/** The sequences read from each frame's functional groups (implicit VR needs to be told). */
const SEQUENCES = new Set([
  PER_FRAME,
  'x00089124', // DerivationImageSequence
  'x00082112', // SourceImageSequence
  'x00409096', // (others of a functional group, skipped as sequences)
  'x0062000a', // SegmentIdentificationSequence
  'x00209113', // PlanePositionSequence
  'x00209111', // FrameContentSequence
  'x00289110', // PixelMeasuresSequence
  'x00209116', // PlaneOrientationSequence
  'x0040a170', // PurposeOfReferenceCodeSequence
  'x00089215', // DerivationCodeSequence
]);

function unreadable(e: unknown): InvalidInputError {
  // dicom-parser throws strings, Errors, or {exception, dataSet} objects
  const inner =
    e && typeof e === 'object' && 'exception' in e ? (e as { exception: unknown }).exception : e;
  const msg =
    typeof inner === 'string' ? inner : inner instanceof Error ? inner.message : String(inner);
  return new InvalidInputError(`Not a readable DICOM file (${msg.split('\n')[0]})`);
}

/** Deflated Explicit VR Little Endian: the data set after the meta header is deflated. */
function inflater(arr: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(arr.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position));
  full.set(inflated, position);
  return full;
}

const item = (ds: DataSet | undefined, tag: string): DataSet | undefined =>
  ds?.elements[tag]?.items?.[0]?.dataSet;

/** A string attribute without its padding, or undefined. */
function text(ds: DataSet | undefined, tag: string): string | undefined {
  const el = ds?.elements[tag];
  if (!ds || !el) return undefined;
  return ds.string(tag)?.replace(/[\0 ]+$/, '');
}

/** What the readers use of one frame's functional groups, in dcmjs's natural form. */
function frameGroups(f: DataSet): NaturalDataset {
  const out: NaturalDataset = {};
  const source = item(item(f, 'x00089124'), 'x00082112');
  if (source) {
    const src: NaturalDataset = { ReferencedSOPInstanceUID: text(source, 'x00081155') ?? '' };
    const frameNo = text(source, 'x00081160');
    if (frameNo !== undefined) src.ReferencedFrameNumber = frameNo.split('\\').map(Number);
    out.DerivationImageSequence = [{ SourceImageSequence: [src] }];
  }
  const segment = item(f, 'x0062000a');
  if (segment?.elements.x0062000b)
    out.SegmentIdentificationSequence = [{ ReferencedSegmentNumber: segment.uint16('x0062000b') }];
  const position = text(item(f, 'x00209113'), 'x00200032');
  if (position !== undefined)
    out.PlanePositionSequence = [{ ImagePositionPatient: position.split('\\').map(Number) }];
  return out;
}

/** Where the Pixel Data value of a SEG parsed up to it lies in the bytes given. */
export interface SegPixelDataPlace {
  /** byte offset of the value's first byte */
  offset: number;
  /** the value length the element declares */
  length: number;
}

export interface ParsedSeg {
  ds: NaturalDataset;
  transferSyntax: string;
  /** with `untilPixelData` only: where the pixel data starts (undefined when there is none) */
  pixelData?: SegPixelDataPlace;
}

export interface ParseSegOptions {
  /**
   * Stop at the Pixel Data element (its value is neither read nor needed): `bytes` may then be a
   * prefix of the file that holds everything before the pixel data, and `pixelData` says where
   * the pixel data starts (for a reader that takes it from the file in pieces, node/segFile.ts).
   * Parsing a prefix that ends before the Pixel Data element throws.
   */
  untilPixelData?: boolean;
}

/**
 * The SEG as dcmjs's natural data set (PerFrameFunctionalGroupsSequence holds what the readers
 * use of each frame; PixelData is `[Uint8Array]`, a view of `bytes`, unless `untilPixelData`)
 * and its transfer syntax. Unreadable bytes are InvalidInputError.
 */
export function parseSegDataset(bytes: Uint8Array, options: ParseSegOptions = {}): ParsedSeg {
  if (bytes.length === 0) throw new InvalidInputError('DICOM SEG file is empty');
  let parsed;
  try {
    // dcmjs reads a whole ArrayBuffer: a view of part of one (a Node Buffer) is copied first
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer =
      whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
    parsed = dcmjs.data.DicomMessage.readFile(buffer, {
      ignoreErrors: false,
      untilTag: PER_FRAME.slice(1).toUpperCase(),
      includeUntilTagValue: false,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InvalidInputError(`Not a readable DICOM file (${msg.split('\n')[0]})`);
  }
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const ds = fixUtf8InSequences(dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict));
  delete ds.PerFrameFunctionalGroupsSequence;
  let full: DataSet;
  try {
    full = dicomParser.parseDicom(bytes, {
      inflater,
      vrCallback: (tag: string) => (SEQUENCES.has(tag) ? 'SQ' : undefined),
      ...(options.untilPixelData ? { untilTag: PIXEL_DATA } : {}),
    } as never);
  } catch (e) {
    throw unreadable(e);
  }
  const frames = full.elements[PER_FRAME]?.items ?? [];
  ds.PerFrameFunctionalGroupsSequence = frames.map((f) =>
    f.dataSet ? frameGroups(f.dataSet) : {},
  );
  const px = full.elements[PIXEL_DATA];
  const transferSyntax = String(meta.TransferSyntaxUID ?? '');
  if (options.untilPixelData) {
    // the element's header must lie within the bytes (a prefix may end anywhere)
    const pixelData =
      px && px.dataOffset <= full.byteArray.length
        ? { offset: px.dataOffset, length: px.length }
        : undefined;
    return { ds, transferSyntax, pixelData };
  }
  if (px) {
    const end = Math.min(full.byteArray.length, px.dataOffset + px.length);
    ds.PixelData = [full.byteArray.subarray(px.dataOffset, end)];
  }
  return { ds, transferSyntax };
}

/** The pixel data of a parsed SEG as bytes (empty when it has none). */
export function segPixels(ds: NaturalDataset): Uint8Array {
  const v = Array.isArray(ds.PixelData) ? ds.PixelData[0] : ds.PixelData;
  if (v instanceof Uint8Array) return v;
  return new Uint8Array((v as ArrayBuffer | undefined) ?? new ArrayBuffer(0));
}

/** Transfer syntaxes whose data set is the file's bytes as they are (not deflated). */
const PLAIN_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'];

/** The header of a SEG whose pixel data can be read in pieces (where it starts is known). */
export type PiecewiseSegHeader = ParsedSeg & { pixelData: SegPixelDataPlace };

/**
 * The header of a BINARY or FRACTIONAL SEG from a prefix of its Part 10 file, when its pixel
 * data can then be read in pieces (node/segFile.ts, a download decoded as it arrives):
 * `'more'` when the prefix ends before the Pixel Data element (try a longer one; `complete`:
 * the prefix is the whole file), undefined when the file is not one to read so (deflated, a
 * Label Map SEG, not a SEG, unparseable): the caller reads it whole, with the usual result or
 * error.
 */
export function piecewiseSegHeader(
  prefix: Uint8Array,
  complete: boolean,
): PiecewiseSegHeader | 'more' | undefined {
  let parsed: ParsedSeg | undefined;
  try {
    parsed = parseSegDataset(prefix, { untilPixelData: true });
  } catch {
    parsed = undefined;
  }
  if (!parsed?.pixelData) return complete ? undefined : 'more';
  if (
    !PLAIN_SYNTAXES.includes(parsed.transferSyntax) ||
    parsed.ds.SOPClassUID !== SEG_SOP_CLASS_UID
  )
    return undefined;
  return parsed as PiecewiseSegHeader;
}
