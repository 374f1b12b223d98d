/**
 * The part of dcmjs Concord's DICOM codecs use (SEG, SR), typed here (dcmjs ships no types),
 * and the Part 10 read/write both go through. Naturalised datasets are plain objects keyed by
 * attribute keyword; sequences are arrays of such objects.
 */
// Ambient types of an untyped import, referenced where used so that every package compiling
// this file (each has its own tsconfig) sees them.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./dcmjs-module.d.ts" />
import dcmjsModule from 'dcmjs'; // untyped (see dcmjs-module.d.ts); typed by DcmjsApi below

export type NaturalDataset = Record<string, unknown>;

interface DicomDictInstance {
  dict: Record<string, unknown>;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

/** The loglevel logger dcmjs logs through (`dcmjs.log`), and its named child loggers. */
interface LoglevelLogger {
  setLevel(
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent',
    persist?: boolean,
  ): void;
  getLevel(): number;
  getLoggers(): Record<string, LoglevelLogger>;
}

interface DcmjsApi {
  log: LoglevelLogger;
  data: {
    DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: Record<string, unknown>,
      ): { meta: Record<string, unknown>; dict: Record<string, unknown> };
    };
    DicomMetaDictionary: {
      naturalizeDataset(d: Record<string, unknown>): NaturalDataset;
      denaturalizeDataset(d: NaturalDataset): Record<string, unknown>;
    };
    Colors: {
      rgb82DICOMLAB(rgb: ArrayLike<number>): number[];
      dicomlab2RGB8(lab: ArrayLike<number>): number[];
    };
  };
}

export const dcmjs = dcmjsModule as unknown as DcmjsApi;

/**
 * Whether dcmjs may log (its warnings such as `Invalid vr type ox - using OW` go to the
 * console). Off unless asked (`concord --verbose`, the viewer's `?debug=1`: docs/cli.md):
 * Concord reports what matters in the input itself, as one line of its own. Uses dcmjs's
 * loglevel API, for its root logger and every named one; nothing is persisted.
 */
export function setDicomLibraryLogging(verbose: boolean): void {
  const level = verbose ? 'warn' : 'silent';
  dcmjs.log.setLevel(level, false);
  for (const logger of Object.values(dcmjs.log.getLoggers())) logger.setLevel(level, false);
}

// quiet by default, wherever core is loaded (CLI, viewer, workers)
setDicomLibraryLogging(false);

/** sRGB (0..255) -> DICOM CIELab PCS values (0..65535, D50 via Bradford, as DCMTK/highdicom). */
export function rgbToDicomLab(rgb: readonly [number, number, number]): [number, number, number] {
  return dcmjs.data.Colors.rgb82DICOMLAB(rgb) as [number, number, number];
}

/** DICOM CIELab PCS values (0..65535) -> sRGB (0..255), rounded and clamped. */
export function dicomLabToRgb(lab: readonly number[]): [number, number, number] {
  return dcmjs.data.Colors.dicomlab2RGB8(lab) as [number, number, number];
}

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Implementation Class UID of files Concord writes (a 2.25 UUID-derived root). */
export const CONCORD_IMPLEMENTATION_CLASS_UID = '2.25.256823451297437203962870227498541190617';

/** Part 10 file bytes (explicit VR little endian) of a naturalised dataset. */
export function writePart10(dataset: NaturalDataset): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: CONCORD_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'CONCORD_0_1',
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** Reads a Part 10 file into a naturalised dataset. */
export function readPart10(bytes: Uint8Array): NaturalDataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const file = dcmjs.data.DicomMessage.readFile(buffer as ArrayBuffer);
  return fixUtf8InSequences(dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict));
}

/**
 * For a UTF-8 (ISO_IR 192) dataset, re-decodes the strings inside sequence items that dcmjs
 * decoded with the wrong character set (see below). Returns the same, mended, dataset.
 */
export function fixUtf8InSequences(ds: NaturalDataset): NaturalDataset {
  const charset = ([] as unknown[]).concat(ds.SpecificCharacterSet ?? []).join('\\');
  if (/ISO_IR 192/.test(charset)) {
    for (const v of Object.values(ds)) if (Array.isArray(v)) v.forEach(redecodeItem);
  }
  return ds;
}

// dcmjs 0.52 decodes strings inside sequence items with its default decoder (windows-1252)
// instead of the dataset's Specific Character Set; for UTF-8 files, undo that.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function latin1Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const hi = CP1252_HIGH.indexOf(s[i]);
    if (hi >= 0) out[i] = 0x80 + hi;
    else if (c <= 0xff) out[i] = c;
    else return null;
  }
  return out;
}

function redecode(s: string): string {
  if (!/[\u0080-\uffff]/.test(s)) return s;
  const bytes = latin1Bytes(s);
  if (!bytes) return s;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return s;
  }
}

function redecodeItem(item: unknown): void {
  if (!item || typeof item !== 'object' || ArrayBuffer.isView(item)) return;
  const obj = item as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') obj[k] = redecode(v);
    else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (typeof x === 'string') v[i] = redecode(x);
        else redecodeItem(x);
      });
    } else redecodeItem(v);
  }
}

/** DICOM DA and TM of a date (local time, as DICOM dates are). */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`,
    time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`,
  };
}
