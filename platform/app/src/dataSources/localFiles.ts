/**
 * Local DICOM files (dropped on the page or chosen with a file input) as a data source.
 * Headers are parsed here with @concord/core's reader; pixels are read by the image loader
 * from the File objects (`dicomfile:` imageIds). Files that are not readable DICOM are listed
 * with the reason instead of failing the whole drop.
 */
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { parseDicomFile, userMessage, type DicomInstanceMetadata } from '@concord/core';
import { addInstanceMetadata } from '../cornerstone/metadataProvider.ts';
import { sortByPosition } from './sortSlices.ts';
import {
  DataSourceError,
  type DataSource,
  type SeriesSummary,
  type StudySummary,
} from './types.ts';

interface LocalInstance {
  imageId: string;
  meta: DicomInstanceMetadata;
  /** Kept for non-image objects (SEG) the viewer parses itself. */
  bytes?: ArrayBuffer;
}

export interface LocalFilesResult {
  dataSource: DataSource;
  loaded: number;
  skipped: Array<{ name: string; reason: string }>;
}

const NON_IMAGE = new Set(['SEG', 'SR', 'PR', 'RTSTRUCT', 'KO', 'DOC']);

export async function createLocalFilesDataSource(
  files: File[],
  name = 'local-files',
): Promise<LocalFilesResult> {
  const skipped: LocalFilesResult['skipped'] = [];
  const instances: LocalInstance[] = [];
  for (const file of files) {
    const label = file.webkitRelativePath || file.name;
    try {
      const buffer = await file.arrayBuffer();
      const parsed = parseDicomFile({ name: label, bytes: new Uint8Array(buffer) });
      const meta = parsed.meta;
      const isImage = !NON_IMAGE.has(String(meta.Modality ?? ''));
      if (isImage && !parsed.hasPixelData) throw new Error(`${label}: no pixel data`);
      const imageId = wadouri.fileManager.add(file);
      addInstanceMetadata(imageId, meta as unknown as Record<string, unknown>);
      instances.push({ imageId, meta, bytes: isImage ? undefined : buffer });
    } catch (e) {
      skipped.push({ name: label, reason: userMessage(e) });
    }
  }
  const byStudy = new Map<string, Map<string, LocalInstance[]>>();
  for (const inst of instances) {
    const series = byStudy.get(inst.meta.StudyInstanceUID) ?? new Map<string, LocalInstance[]>();
    byStudy.set(inst.meta.StudyInstanceUID, series);
    const list = series.get(inst.meta.SeriesInstanceUID) ?? [];
    series.set(inst.meta.SeriesInstanceUID, list);
    list.push(inst);
  }
  const seriesOf = (studyUID: string, seriesUID: string) => {
    const list = byStudy.get(studyUID)?.get(seriesUID);
    if (!list) throw new DataSourceError(`Series ${seriesUID} is not among the local files`);
    return list;
  };

  const dataSource: DataSource = {
    name,
    friendlyName: 'Local files',
    async listStudies(): Promise<StudySummary[]> {
      return [...byStudy.entries()].map(([uid, series]) => {
        const m = [...series.values()][0][0].meta;
        return {
          StudyInstanceUID: uid,
          PatientName: String(m.PatientName ?? ''),
          PatientID: String(m.PatientID ?? ''),
          StudyDate: String(m.StudyDate ?? ''),
          StudyDescription: String(m.StudyDescription ?? ''),
          Modalities: [...new Set([...series.values()].map((l) => l[0].meta.Modality ?? ''))].join(
            '\\',
          ),
          NumSeries: series.size,
        };
      });
    },
    async listSeries(studyUID) {
      const series = byStudy.get(studyUID);
      if (!series) throw new DataSourceError(`Study ${studyUID} is not among the local files`);
      return [...series.values()].map((l): SeriesSummary => ({
        SeriesInstanceUID: l[0].meta.SeriesInstanceUID,
        Modality: String(l[0].meta.Modality ?? ''),
        SeriesDescription: String(l[0].meta.SeriesDescription ?? ''),
        SeriesNumber: Number(l[0].meta.SeriesNumber ?? 0),
        NumInstances: l.length,
      }));
    },
    async getImageIds(studyUID, seriesUID) {
      return sortByPosition(
        seriesOf(studyUID, seriesUID).map((i) => ({
          item: i.imageId,
          position: i.meta.ImagePositionPatient,
          orientation: i.meta.ImageOrientationPatient,
          instanceNumber: i.meta.InstanceNumber,
        })),
      );
    },
    async retrieveInstances(studyUID, seriesUID) {
      return seriesOf(studyUID, seriesUID).map((i) => {
        if (!i.bytes) throw new DataSourceError('Only non-image objects are kept in memory');
        return i.bytes;
      });
    },
  };
  return { dataSource, loaded: instances.length, skipped };
}
