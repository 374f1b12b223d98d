/**
 * File-system readers shared by the `concord` commands (docs/cli.md): one DICOM series from a
 * folder, one labelmap from a NIfTI file, a DICOM SEG or an RTSTRUCT. Bad input is InvalidInputError with a
 * one-line message (CLI exit code 3).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../errors/index.ts';
import type { LabelVolume } from '../geometry/index.ts';
import { readNiftiLabels } from '../nifti/index.ts';
import {
  asPart10,
  dicomSopClassUID,
  groupDicomFilesBySeries,
  isDicomBytes,
  parseDicomFile,
  readDicomSeries,
  type DicomFileInput,
  type DicomSeriesResult,
} from '../dicom/index.ts';
import { readDicomSeg, SEG_SOP_CLASS_UID, type DicomSegResult } from '../seg/index.ts';
import { readDicomSegFile } from './segFile.ts';
import { readRtStruct, RTSTRUCT_SOP_CLASS_UID, type RtStructResult } from '../rtstruct/index.ts';

export { isDicomPart10 } from '../dicom/index.ts';

/** The bytes of a file as a plain Uint8Array view (no copy); InvalidInputError when unreadable. */
export function readFileBytes(file: string, what = 'file'): Uint8Array {
  try {
    const b = readFileSync(file);
    // a plain Uint8Array view (no copy): Buffer#slice would not copy, Uint8Array#slice does
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`cannot read ${what} ${file}${code ? ` (${code})` : ''}`);
  }
}

export interface ReadSeriesFolderOptions {
  /** What the folder is, in messages (default "Input"). */
  what?: string;
  /**
   * false: the grid and metadata only (readDicomSeries' `pixels: false`: `volume.data` is
   * empty): of each file only the bytes before its pixel data are read, for mapping a SEG or
   * RTSTRUCT onto the series (concord metrics).
   */
  pixels?: boolean;
}

/** Bytes read of each file of a series when its pixel data is not needed (headers are ~2 KB). */
const HEADER_PREFIX = 32 * 1024;

/**
 * The bytes of a file up to its Pixel Data element: its first HEADER_PREFIX bytes when they
 * hold that much, else the whole file.
 */
export function readHeaderBytes(
  file: string,
  what: string,
  prefixBytes = HEADER_PREFIX,
): Uint8Array {
  let prefix: Uint8Array | undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const bytes = new Uint8Array(prefixBytes);
    prefix = bytes.subarray(0, readSync(fd, bytes, 0, prefixBytes, 0));
  } catch {
    prefix = undefined; // readFileBytes says why
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (prefix && prefix.length < prefixBytes) return prefix; // the whole file
  if (prefix) {
    try {
      if (parseDicomFile({ name: file, bytes: prefix }, { untilPixelData: true }).hasPixelData)
        return prefix;
    } catch {
      // not DICOM, or the header goes on past the prefix: read whole
    }
  }
  return readFileBytes(file, what);
}

/** The files of a folder and its subfolders (names sorted; hidden entries skipped). */
function listFiles(dir: string, what: string, headersOnly = false): DicomFileInput[] {
  const files: DicomFileInput[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InvalidInputError(`cannot read ${what} ${d}${code ? ` (${code})` : ''}`);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const f = path.join(d, entry.name);
      if (entry.isDirectory()) walk(f);
      else if (entry.isFile()) {
        const bytes = headersOnly ? readHeaderBytes(f, 'file') : readFileBytes(f);
        files.push({ name: path.relative(dir, f), bytes });
      }
    }
  };
  walk(dir);
  return files;
}

/**
 * Reads the one DICOM image series of a folder (searched recursively): files that are not
 * DICOM, and DICOM SEG / SR objects next to the images, are left out; a folder with no image
 * series or with more than one is InvalidInputError.
 */
export async function readSeriesFolder(
  dir: string,
  options: ReadSeriesFolderOptions = {},
): Promise<DicomSeriesResult> {
  const what = options.what ?? 'Input';
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new InvalidInputError(`${what} ${dir} does not exist`);
  }
  if (!isDirectory) {
    throw new InvalidInputError(`${what} ${dir}: expected a folder holding one DICOM series`);
  }
  const headersOnly = options.pixels === false;
  const { series } = groupDicomFilesBySeries(listFiles(dir, what, headersOnly), {
    untilPixelData: headersOnly,
  });
  // structure sets and reports next to the images (plastimatch writes its RTSTRUCT there)
  const images = series.filter(
    (s) => s.modality !== 'SEG' && s.modality !== 'SR' && s.modality !== 'RTSTRUCT',
  );
  if (images.length === 0) throw new InvalidInputError(`No DICOM image series in ${dir}`);
  if (images.length > 1) {
    throw new InvalidInputError(
      `${dir} holds ${images.length} image series (${images.map((s) => s.seriesInstanceUID).join(', ')}); give a folder with one`,
    );
  }
  return readDicomSeries(images[0].files, { pixels: !headersOnly });
}

/** Where a labelmap came from. */
export type LabelFileKind = 'nifti' | 'dicom-seg' | 'rtstruct';

/**
 * A labelmap read from a file: the volume, its kind and, for a DICOM SEG or an RTSTRUCT, the
 * decoded object and its series.
 */
export interface LabelFile {
  volume: LabelVolume;
  kind: LabelFileKind;
  /** the series a DICOM SEG or RTSTRUCT was mapped onto */
  series?: DicomSeriesResult;
  /** the decoded DICOM SEG (segments, names, colours) */
  seg?: DicomSegResult;
  /** the decoded RTSTRUCT (ROIs, names, colours) */
  rtstruct?: RtStructResult;
  /** One line each, for the user: what was skipped or is empty (RTSTRUCT). */
  notes?: string[];
}

export interface ReadLabelFileOptions {
  /**
   * The series a DICOM SEG or RTSTRUCT segments (or a function that yields it, called only for
   * DICOM input, so a series folder is read only when needed). Without it DICOM input is
   * InvalidInputError.
   */
  series?: DicomSeriesResult | (() => DicomSeriesResult | Promise<DicomSeriesResult>);
  /** What the file is, in messages (default "labelmap"), e.g. "reference". */
  what?: string;
}

/**
 * Reads a labelmap file: a NIfTI labelmap (.nii, .nii.gz: on its own grid), or a DICOM SEG or
 * RTSTRUCT (recognised by its content: the SOP class, Part 10 or a bare data set) mapped onto
 * the grid of the series it segments.
 */
export async function readLabelFile(
  file: string,
  options: ReadLabelFileOptions = {},
): Promise<LabelFile> {
  const what = options.what ?? 'labelmap';
  const given = options.series;
  let series: DicomSeriesResult | undefined;
  const seriesOf = async (): Promise<DicomSeriesResult> =>
    (series ??= typeof given === 'function' ? await given() : given!);
  // a big DICOM SEG is read in pieces (node/segFile.ts): its first bytes say whether it is one
  const head = readFileHead(file, what);
  if (
    given &&
    isDicomBytes(head.bytes) &&
    dicomSopClassUID(head.bytes) === SEG_SOP_CLASS_UID &&
    head.bytes.length < head.size
  ) {
    const seg = readDicomSegFile(file, head.bytes, head.size, await seriesOf());
    if (seg) return { volume: seg.labels, kind: 'dicom-seg', series, seg };
  }
  const bytes = head.bytes.length === head.size ? head.bytes : readFileBytes(file, what);
  // the file's bytes are ours: the labels may be a view of them (no copy of the voxels)
  if (!isDicomBytes(bytes))
    return { volume: readNiftiLabels(bytes, { ownBytes: true }), kind: 'nifti' };
  if (!given) {
    throw new InvalidInputError(`${what} ${file} is DICOM: it needs the DICOM series it segments`);
  }
  await seriesOf();
  if (dicomSopClassUID(bytes) === RTSTRUCT_SOP_CLASS_UID) {
    const rtstruct = readRtStruct(bytes, series!);
    return { volume: rtstruct.labels, kind: 'rtstruct', series, rtstruct, notes: rtstruct.notes };
  }
  const seg = readDicomSeg(asPart10(bytes), series!);
  return { volume: seg.labels, kind: 'dicom-seg', series, seg };
}

/** Files up to this size are read whole at once; of bigger ones the first bytes, to sniff. */
const HEAD_BYTES = 1024 * 1024;

/** The first bytes of a file (all of a small one) and its size; InvalidInputError when unreadable. */
function readFileHead(file: string, what: string): { bytes: Uint8Array; size: number } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`cannot read ${what} ${file}${code ? ` (${code})` : ''}`);
  }
  if (size <= HEAD_BYTES) {
    const bytes = readFileBytes(file, what);
    return { bytes, size: bytes.length };
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const bytes = new Uint8Array(HEAD_BYTES);
    const got = readSync(fd, bytes, 0, HEAD_BYTES, 0);
    return { bytes: bytes.subarray(0, got), size };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`cannot read ${what} ${file}${code ? ` (${code})` : ''}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
