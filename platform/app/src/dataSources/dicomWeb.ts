/**
 * DICOMweb data source: QIDO-RS for the study list, WADO-RS series metadata for Cornerstone,
 * WADO-RS frames for pixels (`wadors:` imageIds). The browser talks to the same origin only;
 * `concord serve --dicomweb <url>` proxies `/dicomweb/` to the server (Orthanc sends no CORS).
 */
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { addInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import { sortByPosition } from './sortSlices.ts';
import { naturalize, splitMultipart, type DicomJsonDataset } from './dicomwebModel.ts';
import { fetchOk, type DataSource, type SeriesSummary, type StudySummary } from './types.ts';

const JSON_ACCEPT = { headers: { Accept: 'application/dicom+json' } };

export function createDicomWebDataSource(config: {
  name: string;
  friendlyName?: string;
  root: string;
}): DataSource {
  const root = config.root.replace(/\/$/, '');
  const what = `the DICOMweb server (${root})`;
  const getJson = async (path: string) =>
    (await (await fetchOk(root + path, JSON_ACCEPT, what)).json()) as DicomJsonDataset[];

  return {
    name: config.name,
    friendlyName: config.friendlyName ?? 'DICOMweb',
    async listStudies(): Promise<StudySummary[]> {
      const studies = await getJson(
        '/studies?includefield=00081030&includefield=00080061&includefield=00201206',
      );
      return studies.map((s) => {
        const n = naturalize(s);
        const modalities = n.ModalitiesInStudy;
        return {
          StudyInstanceUID: String(n.StudyInstanceUID ?? ''),
          PatientName: String(n.PatientName ?? ''),
          PatientID: String(n.PatientID ?? ''),
          StudyDate: String(n.StudyDate ?? ''),
          StudyDescription: String(n.StudyDescription ?? ''),
          Modalities: Array.isArray(modalities) ? modalities.join('\\') : String(modalities ?? ''),
          NumSeries: Number(n.NumberOfStudyRelatedSeries ?? 0),
        };
      });
    },
    async listSeries(studyUID) {
      const series = await getJson(`/studies/${encodeURIComponent(studyUID)}/series`);
      return series
        .map(naturalize)
        .map((n): SeriesSummary => ({
          SeriesInstanceUID: String(n.SeriesInstanceUID ?? ''),
          Modality: String(n.Modality ?? ''),
          SeriesDescription: String(n.SeriesDescription ?? ''),
          SeriesNumber: Number(n.SeriesNumber ?? 0),
          NumInstances: Number(n.NumberOfSeriesRelatedInstances ?? 0),
        }))
        .sort((a, b) => a.SeriesNumber - b.SeriesNumber);
    },
    async getImageIds(studyUID, seriesUID) {
      const base = `/studies/${encodeURIComponent(studyUID)}/series/${encodeURIComponent(seriesUID)}`;
      const instances = await getJson(`${base}/metadata`);
      const entries = instances.map((ds) => {
        const n = naturalize(ds);
        const sop = String(n.SOPInstanceUID);
        const imageId = `wadors:${new URL(root, location.href).href}${base}/instances/${encodeURIComponent(sop)}/frames/1`;
        wadors.metaDataManager.add(imageId, ds as never);
        addInstanceMetadata(imageId, n);
        return {
          item: imageId,
          position: n.ImagePositionPatient as number[] | undefined,
          orientation: n.ImageOrientationPatient as number[] | undefined,
          instanceNumber: Number(n.InstanceNumber ?? 0),
        };
      });
      return sortByPosition(entries);
    },
    async retrieveInstances(studyUID, seriesUID) {
      const url = `${root}/studies/${encodeURIComponent(studyUID)}/series/${encodeURIComponent(seriesUID)}`;
      const res = await fetchOk(
        url,
        { headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } },
        what,
      );
      return splitMultipart(await res.arrayBuffer(), res.headers.get('content-type') ?? '');
    },
  };
}
