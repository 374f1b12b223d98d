import {
  parseDicomFile,
  readDicomSeries,
  type DicomFileInput,
  type DicomInstanceMetadata,
  type DicomSeriesResult,
  type ParsedDicom,
} from '../dicom/index.ts';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';

/** OHIF's `dicomjson` manifest (docs/platform-notes.md): studies -> series -> instances {metadata, url}. */
export interface DicomJsonManifest {
  studies: DicomJsonStudy[];
}
export interface DicomJsonStudy {
  StudyInstanceUID: string;
  StudyDate?: string;
  StudyTime?: string;
  StudyDescription?: string;
  PatientName?: string;
  PatientID?: string;
  PatientSex?: string;
  PatientAge?: string;
  AccessionNumber?: string;
  Modalities: string;
  NumInstances: number;
  series: DicomJsonSeries[];
}
export interface DicomJsonSeries {
  SeriesInstanceUID: string;
  SeriesNumber?: number;
  SeriesDescription?: string;
  SeriesDate?: string;
  SeriesTime?: string;
  Modality?: string;
  instances: DicomJsonInstance[];
}
export interface DicomJsonInstance {
  /** `dicomweb:` + the file's URL (relative to the manifest unless baseUrl is given) */
  url: string;
  metadata: Partial<DicomInstanceMetadata> & Record<string, unknown>;
}

export interface DicomJsonIndex {
  manifest: DicomJsonManifest;
  /** files that are not readable DICOM, with the reason */
  skipped: { name: string; reason: string }[];
}

export interface DicomJsonOptions {
  /** prefix of instance URLs, e.g. "/data/"; default "" (URLs relative to the manifest) */
  baseUrl?: string;
}

const urlOf = (relPath: string, baseUrl = '') =>
  `dicomweb:${baseUrl}${relPath.split('/').map(encodeURIComponent).join('/')}`;

/** Instance metadata without undefined values (JSON-friendly). */
function compact(meta: DicomInstanceMetadata): DicomJsonInstance['metadata'] {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) if (v !== undefined) out[k] = v;
  return out as DicomJsonInstance['metadata'];
}

/** Position along the slice normal, for ordering instances in the manifest. */
function slicePosition(p: ParsedDicom): number {
  const ipp = p.meta.ImagePositionPatient;
  const iop = p.meta.ImageOrientationPatient;
  if (!ipp || !iop) return p.meta.InstanceNumber ?? 0;
  const n = [
    iop[1] * iop[5] - iop[2] * iop[4],
    iop[2] * iop[3] - iop[0] * iop[5],
    iop[0] * iop[4] - iop[1] * iop[3],
  ];
  return ipp[0] * n[0] + ipp[1] * n[1] + ipp[2] * n[2];
}

/**
 * Builds a DICOM JSON manifest from files given by path (relative to the manifest's folder,
 * "/"-separated) and content. Studies and series are sorted by UID / SeriesNumber, instances
 * by position along the slice normal (else InstanceNumber). Non-DICOM files are skipped.
 */
export function buildDicomJsonManifestFromFiles(
  files: { path: string; bytes: Uint8Array }[],
  options: DicomJsonOptions = {},
): DicomJsonIndex {
  const skipped: DicomJsonIndex['skipped'] = [];
  const studies = new Map<
    string,
    {
      study: DicomJsonStudy;
      series: Map<string, { s: DicomJsonSeries; parsed: ParsedDicom[]; paths: string[] }>;
    }
  >();
  for (const f of files) {
    let p: ParsedDicom;
    try {
      p = parseDicomFile({ name: f.path, bytes: f.bytes });
    } catch (e) {
      if (e instanceof InvalidInputError || e instanceof UnsupportedFormatError) {
        skipped.push({ name: f.path, reason: e.message });
        continue;
      }
      throw e;
    }
    const m = p.meta;
    let st = studies.get(m.StudyInstanceUID);
    if (!st) {
      st = {
        study: {
          StudyInstanceUID: m.StudyInstanceUID,
          StudyDate: m.StudyDate,
          StudyTime: m.StudyTime,
          StudyDescription: m.StudyDescription,
          PatientName: m.PatientName,
          PatientID: m.PatientID,
          PatientSex: m.PatientSex,
          PatientAge: m.PatientAge,
          AccessionNumber: m.AccessionNumber,
          Modalities: '',
          NumInstances: 0,
          series: [],
        },
        series: new Map(),
      };
      studies.set(m.StudyInstanceUID, st);
    }
    let se = st.series.get(m.SeriesInstanceUID);
    if (!se) {
      se = {
        s: {
          SeriesInstanceUID: m.SeriesInstanceUID,
          SeriesNumber: m.SeriesNumber,
          SeriesDescription: m.SeriesDescription,
          SeriesDate: m.SeriesDate,
          SeriesTime: m.SeriesTime,
          Modality: m.Modality,
          instances: [],
        },
        parsed: [],
        paths: [],
      };
      st.series.set(m.SeriesInstanceUID, se);
    }
    se.parsed.push(p);
    se.paths.push(f.path);
  }
  const manifest: DicomJsonManifest = { studies: [] };
  for (const { study, series } of [...studies.values()].sort((a, b) =>
    a.study.StudyInstanceUID.localeCompare(b.study.StudyInstanceUID),
  )) {
    const modalities = new Set<string>();
    const list = [...series.values()].sort(
      (a, b) =>
        (a.s.SeriesNumber ?? 0) - (b.s.SeriesNumber ?? 0) ||
        a.s.SeriesInstanceUID.localeCompare(b.s.SeriesInstanceUID),
    );
    for (const { s, parsed, paths } of list) {
      const order = parsed
        .map((_, i) => i)
        .sort(
          (a, b) =>
            slicePosition(parsed[a]) - slicePosition(parsed[b]) || paths[a].localeCompare(paths[b]),
        );
      s.instances = order.map((i) => ({
        url: urlOf(paths[i], options.baseUrl),
        metadata: compact(parsed[i].meta),
      }));
      if (s.Modality) modalities.add(s.Modality);
      study.NumInstances += s.instances.length;
      study.series.push(s);
    }
    study.Modalities = [...modalities].join('\\');
    manifest.studies.push(study);
  }
  return { manifest, skipped };
}

/**
 * Indexes a folder (recursively; hidden files and manifest.json skipped) into a DICOM JSON
 * manifest whose instance URLs are the files' paths relative to the folder (or under baseUrl).
 * Node only (reads the file system).
 */
export async function buildDicomJsonManifest(
  folder: string,
  options: DicomJsonOptions = {},
): Promise<DicomJsonIndex> {
  // node modules by variable name so that browser bundles never try to include them
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  let info;
  try {
    info = await fs.stat(folder);
  } catch {
    throw new InvalidInputError(`${folder}: no such folder`);
  }
  if (!info.isDirectory()) throw new InvalidInputError(`${folder} is not a folder`);
  const files: { path: string; bytes: Uint8Array }[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (
        e.isFile() &&
        !/^manifest\.json$/i.test(e.name) &&
        !/\.(json|md|txt|py|ts|js|nii|nii\.gz|gz|onnx)$/i.test(e.name)
      ) {
        const rel = path.relative(folder, full).split(path.sep).join('/');
        files.push({ path: rel, bytes: new Uint8Array(await fs.readFile(full)) });
      }
    }
  };
  await walk(folder);
  return buildDicomJsonManifestFromFiles(files, options);
}

/** Finds a series of a manifest; InvalidInputError naming what is missing. */
export function manifestSeries(
  manifest: DicomJsonManifest,
  studyInstanceUID: string,
  seriesInstanceUID: string,
): DicomJsonSeries {
  const study = manifest.studies.find((s) => s.StudyInstanceUID === studyInstanceUID);
  if (!study) throw new InvalidInputError(`Study ${studyInstanceUID} is not in the manifest`);
  const series = study.series.find((s) => s.SeriesInstanceUID === seriesInstanceUID);
  if (!series) {
    throw new InvalidInputError(`Series ${seriesInstanceUID} is not in study ${studyInstanceUID}`);
  }
  return series;
}

/**
 * Loads a series listed in a manifest: fetches each instance's bytes through `fetchBytes`
 * (given the URL without its `dicomweb:` prefix) and reads them like files.
 */
export async function loadDicomJsonSeries(
  manifest: DicomJsonManifest,
  studyInstanceUID: string,
  seriesInstanceUID: string,
  fetchBytes: (url: string) => Promise<Uint8Array>,
): Promise<DicomSeriesResult> {
  const series = manifestSeries(manifest, studyInstanceUID, seriesInstanceUID);
  const files: DicomFileInput[] = [];
  for (const inst of series.instances) {
    const url = inst.url.replace(/^(dicomweb|wadouri):/, '');
    files.push({
      name: decodeURIComponent(url.split('/').pop() ?? url),
      bytes: await fetchBytes(url),
    });
  }
  return readDicomSeries(files);
}
