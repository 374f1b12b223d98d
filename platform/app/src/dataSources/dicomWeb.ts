/**
 * DICOMweb data source on @concord/core's `DicomWebSource` (dicomweb-client; failures are
 * DicomWebErrors saying which request failed and why): QIDO-RS for the study list and series,
 * WADO-RS series metadata for Cornerstone, WADO-RS frames for pixels (`wadors:` imageIds),
 * WADO-RS instances for SEG objects. The browser talks to its own origin only;
 * `concord serve --dicomweb <url>` proxies `/dicomweb/` to the server (Orthanc sends no CORS).
 */
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { DicomWebSource, jsonAttributes, readMetadata, sortSlices } from '@concord/core';
import { addInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import type { DataSource, SeriesSummary, StudySummary } from './types.ts';

export function createDicomWebDataSource(config: {
  name: string;
  friendlyName?: string;
  root: string;
}): DataSource {
  const root = config.root.replace(/\/$/, '');
  const source = new DicomWebSource(root);
  const seriesPath = (study: string, series: string) =>
    `/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}`;

  return {
    name: config.name,
    friendlyName: config.friendlyName ?? 'DICOMweb',
    async listStudies(): Promise<StudySummary[]> {
      return (await source.searchStudies()).map((s) => ({
        StudyInstanceUID: s.StudyInstanceUID,
        PatientName: s.PatientName ?? '',
        PatientID: s.PatientID ?? '',
        StudyDate: s.StudyDate ?? '',
        StudyDescription: s.StudyDescription ?? '',
        Modalities: s.ModalitiesInStudy ?? '',
      }));
    },
    async listSeries(studyUID) {
      return (await source.searchSeries(studyUID))
        .map((s): SeriesSummary => ({
          SeriesInstanceUID: s.SeriesInstanceUID,
          Modality: s.Modality ?? '',
          SeriesDescription: s.SeriesDescription ?? '',
          SeriesNumber: s.SeriesNumber ?? 0,
          NumInstances: s.NumberOfSeriesRelatedInstances ?? 0,
        }))
        .sort((a, b) => a.SeriesNumber - b.SeriesNumber);
    },
    async getImageIds(studyUID, seriesUID) {
      const instances = await source.seriesMetadata(studyUID, seriesUID);
      const base = new URL(root, location.href).href + seriesPath(studyUID, seriesUID);
      const entries = instances.map((ds) => {
        const meta = readMetadata(`WADO-RS metadata of series ${seriesUID}`, jsonAttributes(ds));
        const imageId = `wadors:${base}/instances/${encodeURIComponent(meta.SOPInstanceUID)}/frames/1`;
        wadors.metaDataManager.add(imageId, ds as never);
        addInstanceMetadata(imageId, meta as unknown as Record<string, unknown>);
        return {
          item: imageId,
          position: meta.ImagePositionPatient,
          orientation: meta.ImageOrientationPatient,
          instanceNumber: meta.InstanceNumber,
        };
      });
      // core's slice order, the one the series reader uses
      return sortSlices(entries).map((e) => e.item);
    },
    async retrieveInstances(studyUID, seriesUID) {
      const sops = await source.searchInstances(studyUID, seriesUID);
      return Promise.all(
        sops.map(async (sop) => {
          const b = await source.instance(studyUID, seriesUID, sop);
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        }),
      );
    },
    async instanceLocations(studyUID, seriesUID) {
      const sops = await source.searchInstances(studyUID, seriesUID);
      const absoluteRoot = new URL(root, location.href).href;
      return sops.map((sopInstanceUID) => ({
        dicomWeb: {
          root: absoluteRoot,
          studyInstanceUID: studyUID,
          seriesInstanceUID: seriesUID,
          sopInstanceUID,
        },
      }));
    },
  };
}
