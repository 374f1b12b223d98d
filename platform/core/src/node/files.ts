/**
 * File-system readers shared by the `concord` commands (docs/cli.md): one DICOM series from a
 * folder, one labelmap from a NIfTI file or a DICOM SEG. Bad input is InvalidInputError with a
 * one-line message (CLI exit code 3).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../errors/index.ts';
import type { LabelVolume } from '../geometry/index.ts';
import { readNiftiLabels } from '../nifti/index.ts';
import {
  groupDicomFilesBySeries,
  readDicomSeries,
  type DicomFileInput,
  type DicomSeriesResult,
} from '../dicom/index.ts';
import { readDicomSeg, type DicomSegResult } from '../seg/index.ts';

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

/** True for DICOM Part 10 bytes (the "DICM" prefix after the 128-byte preamble). */
export function isDicomPart10(bytes: Uint8Array): boolean {
  return (
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

export interface ReadSeriesFolderOptions {
  /** What the folder is, in messages (default "Input"). */
  what?: string;
}

/** The files of a folder and its subfolders (names sorted; hidden entries skipped). */
function listFiles(dir: string, what: string): DicomFileInput[] {
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
      else if (entry.isFile()) files.push({ name: path.relative(dir, f), bytes: readFileBytes(f) });
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
  const { series } = groupDicomFilesBySeries(listFiles(dir, what));
  const images = series.filter((s) => s.modality !== 'SEG' && s.modality !== 'SR');
  if (images.length === 0) throw new InvalidInputError(`No DICOM image series in ${dir}`);
  if (images.length > 1) {
    throw new InvalidInputError(
      `${dir} holds ${images.length} image series (${images.map((s) => s.seriesInstanceUID).join(', ')}); give a folder with one`,
    );
  }
  return readDicomSeries(images[0].files);
}

/** Where a labelmap came from. */
export type LabelFileKind = 'nifti' | 'dicom-seg';

/** A labelmap read from a file: the volume, its kind and, for a DICOM SEG, the SEG and its series. */
export interface LabelFile {
  volume: LabelVolume;
  kind: LabelFileKind;
  /** the series a DICOM SEG was mapped onto */
  series?: DicomSeriesResult;
  /** the decoded DICOM SEG (segments, names, colours) */
  seg?: DicomSegResult;
}

export interface ReadLabelFileOptions {
  /**
   * The series a DICOM SEG segments (or a function that yields it, called only for a SEG, so a
   * series folder is read only when needed). Without it a DICOM SEG is InvalidInputError.
   */
  series?: DicomSeriesResult | (() => DicomSeriesResult | Promise<DicomSeriesResult>);
  /** What the file is, in messages (default "labelmap"), e.g. "reference". */
  what?: string;
}

/**
 * Reads a labelmap file: a NIfTI labelmap (.nii, .nii.gz: on its own grid), or a DICOM SEG
 * (recognised by its content) mapped onto the grid of the series it segments.
 */
export async function readLabelFile(
  file: string,
  options: ReadLabelFileOptions = {},
): Promise<LabelFile> {
  const what = options.what ?? 'labelmap';
  const bytes = readFileBytes(file, what);
  if (!isDicomPart10(bytes)) return { volume: readNiftiLabels(bytes), kind: 'nifti' };
  const given = options.series;
  if (!given) {
    throw new InvalidInputError(`${what} ${file} is DICOM: it needs the DICOM series it segments`);
  }
  const series = typeof given === 'function' ? await given() : given;
  const seg = readDicomSeg(bytes, series);
  return { volume: seg.labels, kind: 'dicom-seg', series, seg };
}
