/**
 * The displayed series as a `DicomSeriesResult` (image volume + per-slice
 * instance attributes), from the metadata the data source registered for each imageId. Exports
 * that reference the series (the model's SEG, the TID 1500 SR) need its UIDs and patient/study.
 */
import type { DicomInstanceMetadata, DicomSeriesResult } from '../dicom/index.ts';
import type { Vec3, Volume } from '../geometry/index.ts';

/** One instance's attributes in the natural (keyword) form, as a viewer's metadata store holds them. */
export type NaturalMetadata = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : String(v);

function vec(v: unknown): number[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const list = (Array.isArray(v) ? v : String(v).split('\\')).map(Number);
  return list.every(Number.isFinite) ? list : undefined;
}

/**
 * The value without functions, which a worker cannot receive (postMessage throws
 * DataCloneError): a viewer's metadata may hold loaders, e.g. OHIF's DICOMweb data source puts
 * a `retrieveBulkData` function next to each BulkDataURI.
 */
function cloneable(v: unknown, depth = 0): unknown {
  if (typeof v === 'function') return undefined;
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer)
    return v;
  if (depth > 16) return undefined; // no metadata nests this deep; guards against cycles
  if (Array.isArray(v)) return v.map((x) => cloneable(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const c = cloneable(x, depth + 1);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** One instance's attributes, coerced to the types core's writers read (manifests may hold strings). */
export function instanceOf(m: NaturalMetadata): DicomInstanceMetadata {
  const num = (v: unknown) => vec(v)?.[0];
  return {
    ...(cloneable(m) as object),
    SOPClassUID: String(m.SOPClassUID ?? ''),
    SOPInstanceUID: String(m.SOPInstanceUID ?? ''),
    StudyInstanceUID: String(m.StudyInstanceUID ?? ''),
    SeriesInstanceUID: String(m.SeriesInstanceUID ?? ''),
    FrameOfReferenceUID: str(m.FrameOfReferenceUID),
    NumberOfFrames: num(m.NumberOfFrames) ?? 1,
    ImagePositionPatient: vec(m.ImagePositionPatient) as Vec3 | undefined,
    ImageOrientationPatient: vec(m.ImageOrientationPatient) as
      DicomInstanceMetadata['ImageOrientationPatient'] | undefined,
    PixelSpacing: vec(m.PixelSpacing) as [number, number] | undefined,
    SliceThickness: num(m.SliceThickness),
    PatientName: str(m.PatientName),
    PatientID: str(m.PatientID),
    PatientBirthDate: str(m.PatientBirthDate),
    PatientSex: str(m.PatientSex),
  } as DicomInstanceMetadata;
}

/** `metas[k]` = attributes of slice k of `volume` (the volume's imageIds order). */
export function displayedSeries(
  volume: Volume,
  metas: NaturalMetadata[],
  studyUID: string,
  seriesUID: string,
): DicomSeriesResult {
  const instances = metas.map(instanceOf);
  const first = instances[0];
  return {
    volume,
    studyInstanceUID: first?.StudyInstanceUID || studyUID,
    seriesInstanceUID: first?.SeriesInstanceUID || seriesUID,
    frameOfReferenceUID: volume.frameOfReferenceUID ?? first?.FrameOfReferenceUID,
    modality: first?.Modality,
    sopClassUID: first?.SOPClassUID ?? '',
    sopInstanceUIDs: instances.map((m) => m.SOPInstanceUID),
    instanceMetadata: instances,
    slices: instances.map((m) => ({
      sopInstanceUID: m.SOPInstanceUID,
      frameIndex: 0,
      file: '',
      position: m.ImagePositionPatient ?? ([0, 0, 0] as Vec3),
    })),
    warnings: [],
  };
}
