/**
 * DICOM JSON data source (OHIF's `dicomjson` format): one manifest listing studies, series and
 * instances with their metadata and a URL per Part-10 file. `concord serve` writes one for a
 * folder; the embedded sample ships one.
 */
import { sortSlices, type DicomJsonManifest } from '@concord/core';
import { addInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import { personName } from './personName.ts';
import {
  DataSourceError,
  fetchOk,
  type DataSource,
  type SeriesSummary,
  type StudySummary,
} from './types.ts';

/** The image URL of an instance: `dicomweb:` (= WADO-URI) plus an absolute URL. */
export function instanceImageId(url: string, manifestUrl: string): string {
  const bare = url.replace(/^(dicomweb|wadouri):/, '');
  return 'dicomweb:' + new URL(bare, new URL(manifestUrl, location.href)).href;
}

/** How instance URLs become imageIds and bytes; default: fetched over HTTP, relative to the manifest. */
export interface InstanceResolver {
  imageId(url: string): string;
  bytes(url: string): Promise<ArrayBuffer>;
}

export function createDicomJsonDataSource(
  config: { name: string; friendlyName?: string; url: string },
  given?: { manifest: DicomJsonManifest; resolver: InstanceResolver },
): DataSource {
  const resolver: InstanceResolver = given?.resolver ?? {
    imageId: (url) => instanceImageId(url, config.url),
    bytes: async (url) => {
      const href = instanceImageId(url, config.url).slice('dicomweb:'.length);
      return (await fetchOk(href, undefined, href)).arrayBuffer();
    },
  };
  let manifest: Promise<DicomJsonManifest> | null = given ? Promise.resolve(given.manifest) : null;
  const load = () =>
    (manifest ??= fetchOk(config.url, undefined, `the study list (${config.url})`)
      .then((r) => r.json() as Promise<DicomJsonManifest>)
      .then((m) => {
        if (!m || !Array.isArray(m.studies))
          throw new DataSourceError(`${config.url} is not a DICOM JSON manifest (no "studies")`);
        return m;
      })
      .catch((e) => {
        manifest = null; // retry on the next call
        throw e;
      }));

  const findSeries = async (studyUID: string, seriesUID: string) => {
    const study = (await load()).studies.find((s) => s.StudyInstanceUID === studyUID);
    const series = study?.series.find((s) => s.SeriesInstanceUID === seriesUID);
    if (!study || !series)
      throw new DataSourceError(
        `This series is not in the data source “${config.friendlyName ?? config.name}” (study ${studyUID}, series ${seriesUID}); open the study again from the study list.`,
      );
    return { study, series };
  };

  return {
    name: config.name,
    friendlyName: config.friendlyName ?? 'DICOM JSON',
    async listStudies(): Promise<StudySummary[]> {
      return (await load()).studies.map((s) => ({
        StudyInstanceUID: s.StudyInstanceUID,
        PatientName: personName(s.PatientName),
        PatientID: String(s.PatientID ?? ''),
        StudyDate: String(s.StudyDate ?? ''),
        StudyDescription: String(s.StudyDescription ?? ''),
        Modalities: [...new Set(s.series.map((se) => se.Modality ?? ''))].join('\\'),
        NumSeries: s.series.length,
      }));
    },
    async listSeries(studyUID) {
      const study = (await load()).studies.find((s) => s.StudyInstanceUID === studyUID);
      if (!study)
        throw new DataSourceError(
          `This study is not in the data source “${config.friendlyName ?? config.name}” (${studyUID}); choose it again from the study list.`,
        );
      return study.series.map((s): SeriesSummary => ({
        SeriesInstanceUID: s.SeriesInstanceUID,
        Modality: String(s.Modality ?? ''),
        SeriesDescription: String(s.SeriesDescription ?? ''),
        SeriesNumber: Number(s.SeriesNumber ?? 0),
        NumInstances: s.instances.length,
      }));
    },
    async getImageIds(studyUID, seriesUID) {
      const { study, series } = await findSeries(studyUID, seriesUID);
      const entries = series.instances.map((inst) => {
        const imageId = resolver.imageId(inst.url);
        addInstanceMetadata(imageId, {
          StudyInstanceUID: study.StudyInstanceUID,
          SeriesInstanceUID: series.SeriesInstanceUID,
          Modality: series.Modality,
          PatientName: personName(study.PatientName),
          ...inst.metadata,
        });
        return {
          item: imageId,
          position: inst.metadata.ImagePositionPatient as number[] | undefined,
          orientation: inst.metadata.ImageOrientationPatient as number[] | undefined,
          instanceNumber: Number(inst.metadata.InstanceNumber ?? 0),
        };
      });
      // core's slice order, the one the series reader uses
      return sortSlices(entries).map((e) => e.item);
    },
    async retrieveInstances(studyUID, seriesUID) {
      const { series } = await findSeries(studyUID, seriesUID);
      return Promise.all(series.instances.map((inst) => resolver.bytes(inst.url)));
    },
    // files over HTTP only: a given resolver (files dropped on the page) has them in memory
    instanceLocations: given
      ? undefined
      : async (studyUID, seriesUID) => {
          const { series } = await findSeries(studyUID, seriesUID);
          return series.instances.map((inst) => ({
            url: instanceImageId(inst.url, config.url).slice('dicomweb:'.length),
          }));
        },
  };
}
