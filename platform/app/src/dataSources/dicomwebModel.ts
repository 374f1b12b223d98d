/** DICOM JSON (PS3.18 F.2) helpers: tag-keyed datasets and multipart/related bodies. */
import { personName } from './personName.ts';

type DicomJsonValue = { vr?: string; Value?: unknown[] };
export type DicomJsonDataset = Record<string, DicomJsonValue>;

/** Tags the viewer reads, by keyword (DICOM JSON is keyed by tag). */
const TAGS: Record<string, string> = {
  '00080016': 'SOPClassUID',
  '00080018': 'SOPInstanceUID',
  '00080020': 'StudyDate',
  '00080060': 'Modality',
  '00080061': 'ModalitiesInStudy',
  '00081030': 'StudyDescription',
  '0008103E': 'SeriesDescription',
  '00100010': 'PatientName',
  '00100020': 'PatientID',
  '00180050': 'SliceThickness',
  '0020000D': 'StudyInstanceUID',
  '0020000E': 'SeriesInstanceUID',
  '00200011': 'SeriesNumber',
  '00200013': 'InstanceNumber',
  '00200032': 'ImagePositionPatient',
  '00200037': 'ImageOrientationPatient',
  '00200052': 'FrameOfReferenceUID',
  '00201041': 'SliceLocation',
  '00201206': 'NumberOfStudyRelatedSeries',
  '00201209': 'NumberOfSeriesRelatedInstances',
  '00280002': 'SamplesPerPixel',
  '00280004': 'PhotometricInterpretation',
  '00280006': 'PlanarConfiguration',
  '00280008': 'NumberOfFrames',
  '00280010': 'Rows',
  '00280011': 'Columns',
  '00280030': 'PixelSpacing',
  '00280100': 'BitsAllocated',
  '00280101': 'BitsStored',
  '00280102': 'HighBit',
  '00280103': 'PixelRepresentation',
  '00281050': 'WindowCenter',
  '00281051': 'WindowWidth',
  '00281052': 'RescaleIntercept',
  '00281053': 'RescaleSlope',
  '00281054': 'RescaleType',
};

/** DICOM JSON (tag-keyed, `Value` arrays) to plain keyword-keyed values. */
export function naturalize(ds: DicomJsonDataset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [tag, keyword] of Object.entries(TAGS)) {
    const el = ds[tag] ?? ds[tag.toLowerCase()];
    const v = el?.Value;
    if (!v || v.length === 0) continue;
    if (el.vr === 'PN') out[keyword] = personName(v[0]);
    else if (
      v.length === 1 &&
      !['PixelSpacing', 'ImagePositionPatient', 'ImageOrientationPatient'].includes(keyword)
    )
      out[keyword] = v[0];
    else out[keyword] = v;
  }
  return out;
}

/** Splits a multipart/related body into its parts (WADO-RS instance retrieval). */
export function splitMultipart(body: ArrayBuffer, contentType: string): ArrayBuffer[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return [body];
  const bytes = new Uint8Array(body);
  const delimiter = new TextEncoder().encode(`--${m[1]}`);
  const find = (from: number) => {
    outer: for (let i = from; i <= bytes.length - delimiter.length; i++) {
      for (let j = 0; j < delimiter.length; j++) if (bytes[i + j] !== delimiter[j]) continue outer;
      return i;
    }
    return -1;
  };
  const parts: ArrayBuffer[] = [];
  let at = find(0);
  while (at >= 0) {
    const next = find(at + delimiter.length);
    if (next < 0) break;
    const start = at + delimiter.length;
    // headers end at the first blank line
    let headerEnd = -1;
    for (let i = start; i < next - 3; i++) {
      if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
        headerEnd = i + 4;
        break;
      }
    }
    if (headerEnd > 0) parts.push(body.slice(headerEnd, next - 2)); // minus CRLF before delimiter
    at = next;
  }
  return parts;
}
