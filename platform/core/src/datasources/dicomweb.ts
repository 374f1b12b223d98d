import { api } from 'dicomweb-client';
import { TRANSFER_SYNTAX, decodeFrame } from '../codecs/index.ts';
import {
  assembleDicomSeries,
  frameGeometry,
  jsonAttributes,
  readMetadata,
  type DicomJsonObject,
  type DicomSeriesResult,
  type SeriesInstanceSource,
} from '../dicom/index.ts';
import { ConcordError, InvalidInputError } from '../errors/index.ts';

/** The DICOMweb server is unreachable or answered with an error status. */
/** The part of the XMLHttpRequest dicomweb-client hands its request hooks that we use (core is DOM-free). */
interface PendingRequest {
  abort(): void;
  addEventListener(type: 'loadend', listener: () => void): void;
}

export class DicomWebError extends ConcordError {
  readonly code = 'DICOMWEB_ERROR';
  override readonly exitCode = 1;
  constructor(
    message: string,
    readonly status: number = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The subset of dicomweb-client's DICOMwebClient we use, typed. */
interface Client {
  searchForStudies(o?: { queryParams?: Record<string, string> }): Promise<DicomJsonObject[]>;
  searchForSeries(o: {
    studyInstanceUID: string;
    queryParams?: Record<string, string>;
  }): Promise<DicomJsonObject[]>;
  searchForInstances(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
  }): Promise<DicomJsonObject[]>;
  retrieveSeriesMetadata(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
  }): Promise<DicomJsonObject[]>;
  retrieveInstanceFrames(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
    frameNumbers: number[];
    mediaTypes?: { mediaType: string; transferSyntaxUID?: string }[];
  }): Promise<ArrayBuffer[]>;
  retrieveInstance(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
  }): Promise<ArrayBuffer>;
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<unknown>;
}

export interface DicomWebStudy {
  StudyInstanceUID: string;
  StudyDate?: string;
  StudyDescription?: string;
  PatientName?: string;
  PatientID?: string;
  ModalitiesInStudy?: string;
  NumberOfStudyRelatedInstances?: number;
}
export interface DicomWebSeries {
  SeriesInstanceUID: string;
  Modality?: string;
  SeriesNumber?: number;
  SeriesDescription?: string;
  NumberOfSeriesRelatedInstances?: number;
}

export interface DicomWebSourceOptions {
  /** extra HTTP headers (e.g. Authorization) */
  headers?: Record<string, string>;
  /** abort a request that has not finished after this many ms (default 60 000; 0 = never) */
  timeoutMs?: number;
}

/** First value of an attribute of a DICOM JSON object (PN as its Alphabetic form). */
export function jsonValue(obj: DicomJsonObject, tag: string): string | number | undefined {
  const v = obj[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && 'Alphabetic' in (v as object)) {
    return String((v as { Alphabetic?: string }).Alphabetic ?? '');
  }
  return v as string | number;
}
const s = (obj: DicomJsonObject, tag: string) => {
  const v = jsonValue(obj, tag);
  return v === undefined ? undefined : String(v);
};
const n = (obj: DicomJsonObject, tag: string) => {
  const v = jsonValue(obj, tag);
  return v === undefined ? undefined : Number(v);
};

/**
 * A DICOMweb server (QIDO-RS, WADO-RS, STOW-RS) through dicomweb-client. Every failure is a
 * DicomWebError saying which request failed and why (server unreachable, HTTP status).
 */
export class DicomWebSource {
  private readonly client: Client;
  private readonly timeoutMs: number;
  constructor(
    readonly url: string,
    options: DicomWebSourceOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (!/^https?:\/\/|^\//.test(url)) {
      throw new InvalidInputError(`DICOMweb URL must start with http://, https:// or /: ${url}`);
    }
    this.client = new api.DICOMwebClient({
      url: url.replace(/\/$/, ''),
      headers: options.headers,
      singlepart: false,
      verbose: false,
      // dicomweb-client calls hooks with (request, metadata) after open(), before send()
      requestHooks: [(request: PendingRequest, _metadata: unknown) => this.armTimeout(request)],
    }) as unknown as Client;
  }

  private armTimeout(request: PendingRequest): PendingRequest {
    if (this.timeoutMs > 0) {
      // frees the connection of a request that call() has given up on
      const timer = setTimeout(() => request.abort(), this.timeoutMs);
      request.addEventListener('loadend', () => clearTimeout(timer));
    }
    return request;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // our own timer: XHR implementations differ in how (and whether) an aborted request settles
    const timeout = new Promise<never>((_, reject) => {
      if (this.timeoutMs > 0) {
        timer = setTimeout(
          () =>
            reject(
              new DicomWebError(
                `DICOMweb ${what} at ${this.url} failed: the server did not answer within ${this.timeoutMs / 1000} s`,
                0,
              ),
            ),
          this.timeoutMs,
        );
      }
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (e) {
      if (e instanceof DicomWebError) throw e;
      const status =
        typeof (e as { status?: unknown })?.status === 'number'
          ? (e as { status: number }).status
          : 0;
      const reason =
        status === 0
          ? 'the server is not reachable (connection refused, network error or blocked by CORS)'
          : `the server answered HTTP ${status}${httpText(status)}`;
      throw new DicomWebError(`DICOMweb ${what} at ${this.url} failed: ${reason}`, status, {
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** QIDO-RS: studies matching the query (e.g. {PatientID: 'X'}). */
  async searchStudies(query: Record<string, string> = {}): Promise<DicomWebStudy[]> {
    const r = await this.call('QIDO-RS search for studies', () =>
      this.client.searchForStudies({ queryParams: query }),
    );
    return r.map((o) => ({
      StudyInstanceUID: s(o, '0020000D')!,
      StudyDate: s(o, '00080020'),
      StudyDescription: s(o, '00081030'),
      PatientName: s(o, '00100010'),
      PatientID: s(o, '00100020'),
      ModalitiesInStudy: o['00080061']?.Value?.join('\\'),
      NumberOfStudyRelatedInstances: n(o, '00201208'),
    }));
  }

  /** QIDO-RS: the series of a study. */
  async searchSeries(studyInstanceUID: string): Promise<DicomWebSeries[]> {
    const r = await this.call(`QIDO-RS search for series of study ${studyInstanceUID}`, () =>
      this.client.searchForSeries({ studyInstanceUID }),
    );
    return r.map((o) => ({
      SeriesInstanceUID: s(o, '0020000E')!,
      Modality: s(o, '00080060'),
      SeriesNumber: n(o, '00200011'),
      SeriesDescription: s(o, '0008103E'),
      NumberOfSeriesRelatedInstances: n(o, '00201209'),
    }));
  }

  /** QIDO-RS: SOP Instance UIDs of a series. */
  async searchInstances(studyInstanceUID: string, seriesInstanceUID: string): Promise<string[]> {
    const r = await this.call(`QIDO-RS search for instances of series ${seriesInstanceUID}`, () =>
      this.client.searchForInstances({ studyInstanceUID, seriesInstanceUID }),
    );
    return r.map((o) => s(o, '00080018')!);
  }

  /** WADO-RS: the DICOM JSON metadata of every instance of a series. */
  async seriesMetadata(
    studyInstanceUID: string,
    seriesInstanceUID: string,
  ): Promise<DicomJsonObject[]> {
    return this.call(`WADO-RS metadata of series ${seriesInstanceUID}`, () =>
      this.client.retrieveSeriesMetadata({ studyInstanceUID, seriesInstanceUID }),
    );
  }

  /** WADO-RS: one frame (1-based) as uncompressed little-endian bytes. */
  async frame(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
    frameNumber: number,
  ): Promise<Uint8Array> {
    const parts = await this.call(
      `WADO-RS frame ${frameNumber} of instance ${sopInstanceUID}`,
      () =>
        this.client.retrieveInstanceFrames({
          studyInstanceUID,
          seriesInstanceUID,
          sopInstanceUID,
          frameNumbers: [frameNumber],
          // uncompressed little endian: the server decompresses frames stored compressed
          mediaTypes: [
            {
              mediaType: 'application/octet-stream',
              transferSyntaxUID: TRANSFER_SYNTAX.explicitLittle,
            },
          ],
        }),
    );
    if (!parts?.length) {
      throw new DicomWebError(
        `DICOMweb WADO-RS frame ${frameNumber} of ${sopInstanceUID}: empty response`,
        200,
      );
    }
    return new Uint8Array(parts[0]);
  }

  /** WADO-RS: an instance as a Part 10 file. */
  async instance(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
  ): Promise<Uint8Array> {
    const r = await this.call(`WADO-RS instance ${sopInstanceUID}`, () =>
      this.client.retrieveInstance({ studyInstanceUID, seriesInstanceUID, sopInstanceUID }),
    );
    return new Uint8Array(r);
  }

  /** STOW-RS: uploads Part 10 files. */
  async store(files: Uint8Array[]): Promise<void> {
    if (files.length === 0) return;
    const datasets = files.map((b) => b.slice().buffer);
    await this.call(`STOW-RS upload of ${files.length} instance(s)`, () =>
      this.client.storeInstances({ datasets }),
    );
  }

  /**
   * WADO-RS metadata + frames -> the same DicomSeriesResult readDicomSeries gives for the files
   * (same ordering, geometry checks and rescale). Frames are fetched uncompressed.
   */
  async loadSeries(
    studyInstanceUID: string,
    seriesInstanceUID: string,
  ): Promise<DicomSeriesResult> {
    const metadata = await this.seriesMetadata(studyInstanceUID, seriesInstanceUID);
    if (metadata.length === 0) {
      throw new InvalidInputError(`Series ${seriesInstanceUID} has no instances on ${this.url}`);
    }
    const sources: SeriesInstanceSource[] = metadata.map((json) => {
      const attrs = jsonAttributes(json);
      const sop = s(json, '00080018') ?? '?';
      const meta = readMetadata(`instance ${sop}`, attrs);
      const pixel = json['7FE00010'];
      return {
        name: `instance ${sop}`,
        meta,
        frames: frameGeometry(attrs, meta),
        // WADO-RS metadata carries PixelData as a BulkDataURI (or omits it for non-images)
        hasPixelData: !!pixel || meta.Rows > 0,
        decodeFrame: async (f: number) =>
          decodeFrame(
            TRANSFER_SYNTAX.explicitLittle,
            await this.frame(studyInstanceUID, seriesInstanceUID, meta.SOPInstanceUID, f + 1),
            {
              rows: meta.Rows,
              columns: meta.Columns,
              bitsAllocated: meta.BitsAllocated,
              bitsStored: meta.BitsStored,
              pixelRepresentation: meta.PixelRepresentation,
              samplesPerPixel: meta.SamplesPerPixel,
            },
          ),
      };
    });
    return assembleDicomSeries(sources);
  }
}

function httpText(status: number): string {
  const t: Record<number, string> = {
    400: ' Bad Request',
    401: ' Unauthorized',
    403: ' Forbidden',
    404: ' Not Found',
    406: ' Not Acceptable',
    409: ' Conflict',
    413: ' Payload Too Large',
    415: ' Unsupported Media Type',
    500: ' Internal Server Error',
    502: ' Bad Gateway',
    503: ' Service Unavailable',
    504: ' Gateway Timeout',
  };
  return t[status] ?? '';
}
