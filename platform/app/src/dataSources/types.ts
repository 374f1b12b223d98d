import { ConcordError, type LabelFileLocation } from '@concord/core';
/** What the study list, the series browser and the viewer need from a data source. */
export interface StudySummary {
  StudyInstanceUID: string;
  PatientName: string;
  PatientID: string;
  StudyDate: string;
  StudyDescription: string;
  Modalities: string;
  /** Not every source knows it (QIDO-RS answers may leave it out). */
  NumSeries?: number;
}

export interface SeriesSummary {
  SeriesInstanceUID: string;
  Modality: string;
  SeriesDescription: string;
  SeriesNumber: number;
  NumInstances: number;
}

export interface DataSource {
  name: string;
  friendlyName: string;
  listStudies(): Promise<StudySummary[]>;
  listSeries(studyUID: string): Promise<SeriesSummary[]>;
  /**
   * Registers the series' metadata with Cornerstone and returns its imageIds ordered by
   * ImagePositionPatient along the slice normal.
   */
  getImageIds(studyUID: string, seriesUID: string): Promise<string[]>;
  /** The Part-10 bytes of every instance of a series (SEG objects). */
  retrieveInstances(studyUID: string, seriesUID: string): Promise<ArrayBuffer[]>;
  /**
   * Where a worker can download each instance of a series itself (same origin), if this source
   * is on a server; a large SEG then never passes the page's main thread.
   */
  instanceLocations?(studyUID: string, seriesUID: string): Promise<LabelFileLocation[]>;
}

export type DataSourceConfig =
  | { name: string; type: 'dicomjson'; friendlyName?: string; url: string }
  | { name: string; type: 'dicomweb'; friendlyName?: string; root: string };

/**
 * An error the UI shows as is (one line, written for the user: `userMessage` gives its message):
 * a data source that cannot answer (unreachable server, HTTP error, bad manifest).
 */
export class DataSourceError extends ConcordError {
  readonly code = 'DATA_SOURCE';
}

/** fetch() that turns network failures and HTTP errors into one-line DataSourceErrors. */
export async function fetchOk(url: string, init?: RequestInit, what = url): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    // the browser's own words ("TypeError: Failed to fetch") say nothing to a reader
    throw new DataSourceError(
      `The server could not be reached for ${what}. Check that it is running (npm start) and try again.`,
    );
  }
  if (!res.ok) {
    const detail = (await res.text().catch(() => '')).split('\n')[0].slice(0, 200);
    throw new DataSourceError(
      `${what} answered HTTP ${res.status} ${res.statusText}${detail ? `: ${detail}` : ''}`,
    );
  }
  return res;
}
