import {
  groupDicomFilesBySeries,
  type DicomFileInput,
  type DicomSeriesGroup,
} from '../dicom/index.ts';
import { isGzip } from '../nifti/index.ts';
import { buildDicomJsonManifestFromFiles, type DicomJsonManifest } from './dicomjson.ts';

export interface DroppedFiles {
  /** DICOM series (images and SEGs), each with its files: pass `files` to readDicomSeries */
  series: DicomSeriesGroup[];
  /** the same files as a DICOM JSON manifest whose instance URLs are the file names */
  manifest: DicomJsonManifest;
  /** NIfTI files (.nii, .nii.gz): images or labelmaps for readNifti / readNiftiLabels */
  nifti: DicomFileInput[];
  /** anything else, with the reason */
  skipped: { name: string; reason: string }[];
}

const NIFTI1_SIZE = 348;
const NIFTI2_SIZE = 540;

function looksLikeNifti(f: DicomFileInput): boolean {
  if (/\.nii(\.gz)?$/i.test(f.name)) return true;
  if (isGzip(f.bytes) || f.bytes.length < 4) return false;
  const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, 4);
  return [NIFTI1_SIZE, NIFTI2_SIZE].some(
    (n) => v.getInt32(0, true) === n || v.getInt32(0, false) === n,
  );
}

/**
 * Sorts files dropped into the page (DOM-free: the viewer turns its File objects into
 * {name, bytes}): DICOM files grouped by series with a manifest, NIfTI files apart, the rest
 * skipped with a reason. Nothing is decoded yet.
 */
export function loadDroppedFiles(files: DicomFileInput[]): DroppedFiles {
  const nifti = files.filter(looksLikeNifti);
  const rest = files.filter((f) => !nifti.includes(f));
  const { series, skipped } = groupDicomFilesBySeries(rest);
  const dicomNames = new Set(series.flatMap((s) => s.files.map((f) => f.name)));
  const { manifest } = buildDicomJsonManifestFromFiles(
    rest.filter((f) => dicomNames.has(f.name)).map((f) => ({ path: f.name, bytes: f.bytes })),
  );
  return { series, manifest, nifti, skipped };
}
