/**
 * Reading a labelmap file for a viewer, off its main thread (docs/architecture.md#workers): a
 * DICOM SEG, an RTSTRUCT or a NIfTI labelmap, decoded and put onto the displayed series' grid
 * in a worker (`labelFiles.worker.ts`), with progress, and returned with its arrays moved, not
 * copied. Cancelling a read terminates its worker, so a cancelled 200 MB SEG stops at once.
 * DOM-free: the worker exposes `createLabelFileApi()`; tests expose it on a MessagePort.
 */
import type { DicomSeriesResult } from '../dicom/index.ts';
import { isGzip, readNiftiLabels } from '../nifti/index.ts';
import { asPart10, dicomSopClassUID } from '../dicom/sniff.ts';
import {
  alignToReference,
  gridOf,
  labelLayers,
  type Grid,
  type LabelVolume,
} from '../geometry/index.ts';
import { readRtStruct, RTSTRUCT_SOP_CLASS_UID } from '../rtstruct/index.ts';
import { readDicomSeg, SEG_SOP_CLASS_UID } from '../seg/index.ts';
import { piecewiseSegHeader, type PiecewiseSegHeader } from '../seg/parse.ts';
import { readDicomSegPiecesAsync } from '../seg/read.ts';
import { isDicomPart10 } from '../dicom/index.ts';
import { ArrivingBytes, type ChunkReader } from './arrivingBytes.ts';
import { nextTask } from '../tasks/nextTask.ts';
import type { SegmentInfo } from '../seg/types.ts';
import { DicomWebError } from '../datasources/dicomweb.ts';
import { firstPartBody, multipartBoundary } from '../datasources/multipartStream.ts';
import { InvalidInputError, SERVER_UNREACHABLE, userMessage } from '../errors/index.ts';
import {
  connect,
  registerRpcError,
  transfer,
  type CallContext,
  type Endpoint,
  type Remote,
} from '../rpc/index.ts';

// a failed download in a worker reaches the page as the error it was (its one-line message)
registerRpcError(DicomWebError);

export interface ReadLabelFileInput {
  /** The file's bytes (moved to the worker). */
  bytes: ArrayBuffer;
  /** The file name: `.nii` / `.nii.gz` is NIfTI; anything else is told apart by content. */
  name: string;
  /**
   * The displayed series, as far as the readers need it (grid, SOP Instance UIDs and positions
   * per slice; `volume.data` may be empty): DICOM objects are mapped onto its slices and every
   * labelmap is put onto its grid.
   */
  series: DicomSeriesResult;
}

export interface ReadLabelFileProgress {
  /** 'download': the file is still arriving (a file that is not decoded as it comes in) */
  phase: 'download' | 'parse' | 'decode' | 'align';
  /** 0..1 within the download or decode phase; absent where a phase has no measure */
  fraction?: number;
}

export interface ReadLabelFileOutput {
  /** On the series' grid (a NIfTI on another grid is resampled by nearest neighbour). */
  labelmap: LabelVolume;
  /** The grid the file's labels came on (for the field-of-view warning). */
  sourceGrid: Grid;
  kind: 'nifti' | 'dicom-seg' | 'rtstruct';
  /** DICOM SEG: its segments (who made it: annotator or model) */
  segments?: SegmentInfo[];
  /** RTSTRUCT: what was skipped or is empty, one line each */
  notes?: string[];
}

/** Reads a labelmap file onto the series' grid (the work of the worker, callable directly). */
export function readLabelFileForSeries(
  { bytes, name, series }: ReadLabelFileInput,
  onProgress: (p: ReadLabelFileProgress) => void = () => undefined,
): ReadLabelFileOutput {
  const u8 = new Uint8Array(bytes);
  onProgress({ phase: 'parse' });
  let out: FileLabels;
  if (isGzip(u8) || /\.nii(\.gz)?$/i.test(name)) {
    out = { labelmap: readNiftiLabels(u8), kind: 'nifti' };
  } else if (dicomSopClassUID(u8) === RTSTRUCT_SOP_CLASS_UID) {
    const rt = readRtStruct(u8, series);
    out = { labelmap: rt.labels, kind: 'rtstruct', notes: rt.notes };
  } else {
    const seg = readDicomSeg(asPart10(u8), series, {
      onProgress: (done, total) => onProgress({ phase: 'decode', fraction: done / total }),
    });
    out = { labelmap: seg.labels, kind: 'dicom-seg', segments: seg.segments };
  }
  return onSeriesGrid(out, series, onProgress);
}

/** A file's labels as read, before they are put on the series' grid. */
type FileLabels = Omit<ReadLabelFileOutput, 'sourceGrid'>;

function onSeriesGrid(
  out: FileLabels,
  series: DicomSeriesResult,
  onProgress: (p: ReadLabelFileProgress) => void,
): ReadLabelFileOutput {
  const sourceGrid = gridOf(out.labelmap);
  onProgress({ phase: 'align' });
  return { ...out, labelmap: alignToReference(out.labelmap, gridOf(series.volume)), sourceGrid };
}

/** The first prefix tried for a SEG's attributes before its pixel data (grown 4x until it fits). */
const FIRST_PREFIX = 4 * 1024 * 1024;
/** Bytes enough for a Part 10 file's SOP Class UID (the meta header and the first attributes). */
const SOP_CLASS_PREFIX = 64 * 1024;
/** Pixel data decoded between two looks at the stream (a few ms of decoding). */
const ARRIVING_PIECE_BYTES = 1024 * 1024;

/**
 * Reads a labelmap file whose bytes are still arriving onto the series' grid: a BINARY or
 * FRACTIONAL DICOM SEG is decoded as its pixel data comes in (download and decode overlap);
 * anything else is read by readLabelFileForSeries once it is whole. Same results and errors.
 */
export async function readArrivingLabelFile(
  bytes: ArrivingBytes,
  { name, series }: Omit<ReadLabelFileInput, 'bytes'>,
  onProgress: (p: ReadLabelFileProgress) => void = () => undefined,
  /** the first prefix tried for the attributes, the pixel data decoded per piece (bytes) */
  sizes: { firstPrefix?: number; pieceBytes?: number } = {},
): Promise<ReadLabelFileOutput> {
  let reported = -1;
  const downloading = (received: number) => {
    if (!bytes.total) return;
    const fraction = Math.min(1, received / bytes.total);
    if (fraction - reported < 0.01) return; // a message per percent, not per network chunk
    reported = fraction;
    onProgress({ phase: 'download', fraction });
  };
  // a DICOM SEG by its SOP class (in the first bytes): only those are decoded as they arrive
  const isSeg = async () =>
    isDicomPart10(await bytes.atLeast(133, downloading)) &&
    dicomSopClassUID(await bytes.atLeast(SOP_CLASS_PREFIX, downloading)) === SEG_SOP_CLASS_UID;
  if (!/\.nii(\.gz)?$/i.test(name) && (await isSeg())) {
    for (let n = sizes.firstPrefix ?? FIRST_PREFIX; ; n *= 4) {
      const prefix = await bytes.atLeast(n, downloading);
      const header = piecewiseSegHeader(prefix, bytes.done && prefix.length === bytes.received);
      if (header === 'more') continue;
      if (header) return onSeriesGrid(await decodeArrivingSeg(bytes, header), series, onProgress);
      break;
    }
  }
  const whole = await bytes.all(downloading);
  return readLabelFileForSeries({ bytes: whole, name, series }, onProgress);

  async function decodeArrivingSeg(
    arriving: ArrivingBytes,
    header: PiecewiseSegHeader,
  ): Promise<FileLabels> {
    const start = header.pixelData.offset;
    onProgress({ phase: 'decode', fraction: 0 });
    const seg = await readDicomSegPiecesAsync(
      header,
      header.pixelData.length,
      async (offset, length) => {
        const end = start + offset + length;
        // a task boundary between pieces: the stream's next chunks are taken in meanwhile (a
        // browser holds only a small pipe of them while this thread decodes)
        await nextTask({ afterQueued: true });
        const have = await arriving.atLeast(end);
        if (have.length < end)
          throw new InvalidInputError(
            `${name}: the file ended at byte ${have.length}, inside the SEG's pixel data (${start + header.pixelData.length} bytes expected)`,
          );
        return have.subarray(start + offset, end);
      },
      series,
      {
        pieceBytes: sizes.pieceBytes ?? ARRIVING_PIECE_BYTES,
        onProgress: (done, total) => onProgress({ phase: 'decode', fraction: done / total }),
      },
    );
    return { labelmap: seg.labels, kind: 'dicom-seg', segments: seg.segments };
  }
}

/**
 * Where a worker gets a label file's bytes itself: a URL or a DICOMweb instance of the page's
 * own origin, or a file the user chose (a Blob: the worker reads it). The bytes then never pass
 * the page's main thread, where Chromium assembled a 220 MB response body in one 1.5 s task
 * (docs/performance.md).
 */
export type LabelFileLocation =
  | { url: string }
  | {
      dicomWeb: {
        /** absolute URL of the DICOMweb root */
        root: string;
        studyInstanceUID: string;
        seriesInstanceUID: string;
        sopInstanceUID: string;
      };
    }
  | { blob: BlobLike };

/** What a browser `File` or `Blob` offers that the worker uses (core has no DOM types). */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  slice(start: number, end: number): BlobLike;
}

/** Bytes of a chosen file read per request (Chromium's Blob.stream() gives 64 KiB chunks). */
const BLOB_SLICE_BYTES = 16 * 1024 * 1024;

/**
 * A file read in slices, the next one always on its way while the last is decoded: one
 * request per 16 MiB rather than a message per 64 KiB chunk (docs/performance.md).
 */
export function blobSlices(blob: BlobLike, sliceBytes = BLOB_SLICE_BYTES): ChunkReader {
  const at = (o: number) =>
    blob
      .slice(o, Math.min(blob.size, o + sliceBytes))
      .arrayBuffer()
      .then((b) => new Uint8Array(b));
  let offset = 0;
  let ahead: Promise<Uint8Array> | null = null;
  return {
    async read() {
      if (offset >= blob.size) return { done: true };
      const current = ahead ?? at(offset);
      offset += sliceBytes;
      ahead = offset < blob.size ? at(offset) : null;
      return { done: false, value: await current };
    },
  };
}

/**
 * A label file's bytes as they arrive: a file the user chose, a URL, and a DICOMweb instance
 * (the DICOM part of the WADO-RS multipart answer, `firstPartBody`) all stream. A failed
 * download is a DicomWebError with one line for the user.
 */
export async function openLabelFile(location: LabelFileLocation): Promise<ArrivingBytes> {
  if ('blob' in location) {
    const { blob } = location;
    return new ArrivingBytes(blobSlices(blob), blob.size);
  }
  if ('dicomWeb' in location) {
    const { root, studyInstanceUID, seriesInstanceUID, sopInstanceUID } = location.dicomWeb;
    const url =
      `${root.replace(/\/+$/, '')}/studies/${studyInstanceUID}` +
      `/series/${seriesInstanceUID}/instances/${sopInstanceUID}`;
    // what dicomweb-client asks for (DicomWebSource.instance); no time limit: a 200 MB SEG on
    // a slow link takes its time, and Cancel is there
    return download(url, `WADO-RS instance ${sopInstanceUID}`, {
      Accept: 'multipart/related; type="application/dicom"',
    });
  }
  return download(location.url, location.url);
}

/** A GET whose body streams; a multipart answer gives its first part's body. */
async function download(
  url: string,
  what: string,
  headers: Record<string, string> = {},
): Promise<ArrivingBytes> {
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (e) {
    throw new DicomWebError(`${SERVER_UNREACHABLE} (${what})`, 0, { cause: e });
  }
  if (!res.ok)
    throw new DicomWebError(`${what} answered HTTP ${res.status} ${res.statusText}`, res.status);
  const boundary = multipartBoundary(res.headers.get('content-type'));
  const body: ChunkReader = res.body
    ? (res.body.getReader() as ChunkReader)
    : wholeReader(new Uint8Array(await res.arrayBuffer()));
  // a compressed transfer's Content-Length is not the file's size; a multipart one's is a few
  // hundred bytes more (the hint sizes the buffer and the progress)
  const length = res.headers.get('content-encoding') ? null : res.headers.get('content-length');
  return new ArrivingBytes(
    boundary ? firstPartBody(body, boundary) : body,
    length ? Number(length) : null,
    (e) =>
      new DicomWebError(`The download of ${what} broke off (${userMessage(e)})`, 0, { cause: e }),
  );
}

/** Bytes that are all here, as a stream of one chunk. */
function wholeReader(bytes: Uint8Array): ChunkReader {
  let given = false;
  return {
    read: async () => (given ? { done: true } : ((given = true), { done: false, value: bytes })),
  };
}

/**
 * The worker's API: `read` a file whose bytes come with the call, or `readAt` one the worker
 * gets itself (decoding a SEG while it arrives); the result's arrays are transferred.
 */
export function createLabelFileApi() {
  const moved = (out: ReadLabelFileOutput) => {
    const buffers = labelLayers(out.labelmap).map((a) => a.buffer as ArrayBuffer);
    return transfer(out, [...new Set(buffers)]);
  };
  return {
    read(input: ReadLabelFileInput, ctx: CallContext<ReadLabelFileProgress>) {
      return moved(readLabelFileForSeries(input, (p) => ctx.progress(p)));
    },
    async readAt(input: ReadLabelFileAtInput, ctx: CallContext<ReadLabelFileProgress>) {
      const bytes = await openLabelFile(input.location);
      return moved(await readArrivingLabelFile(bytes, input, (p) => ctx.progress(p)));
    },
  };
}

/** A label file the worker gets itself, and the series to read it onto. */
export interface ReadLabelFileAtInput extends Omit<ReadLabelFileInput, 'bytes'> {
  location: LabelFileLocation;
}
export type LabelFileApi = ReturnType<typeof createLabelFileApi>;

/** The browser's Worker constructor (core has no DOM types). */
declare const Worker: new (url: URL, options: { type: 'module'; name: string }) => Endpoint;

/** A label-file worker of this browser page (one per read: cancelling terminates it). */
export function createLabelFileWorker(): Endpoint {
  return new Worker(new URL('./labelFiles.worker.ts', import.meta.url), {
    type: 'module',
    name: 'concord-label-file',
  });
}

/** A worker started ahead of need (`prewarmLabelFileWorker`), taken by the next read. */
let spare: Endpoint | null = null;

/**
 * Starts a label-file worker now, so that its module has loaded when the next read comes (a
 * second or more on a busy machine, spent while the file downloads instead of after it).
 */
export function prewarmLabelFileWorker(): void {
  spare ??= createLabelFileWorker();
}

function takeLabelFileWorker(): Endpoint {
  const worker = spare ?? createLabelFileWorker();
  spare = null;
  return worker;
}

interface WorkerReadOptions {
  signal?: AbortSignal;
  onProgress?: (p: ReadLabelFileProgress) => void;
  /** for tests (a MessagePort); by default a new browser worker */
  endpoint?: Endpoint;
}

/** One read in a worker of its own, which ends with it (cancelling terminates it). */
async function readInWorker(
  call: (remote: Remote<LabelFileApi>) => Promise<ReadLabelFileOutput>,
  options: WorkerReadOptions,
): Promise<ReadLabelFileOutput> {
  options.signal?.throwIfAborted();
  const remote = connect<LabelFileApi>(options.endpoint ?? takeLabelFileWorker());
  try {
    return await call(remote);
  } finally {
    remote.close();
    // one worker ready for the next file
    if (!options.endpoint) prewarmLabelFileWorker();
  }
}

/**
 * Reads a labelmap file in a worker of its own: `bytes` are moved there, the labelmap comes
 * back moved. An aborted `signal` rejects with an AbortError and terminates the worker.
 */
export function readLabelFileInWorker(
  input: ReadLabelFileInput,
  options: WorkerReadOptions = {},
): Promise<ReadLabelFileOutput> {
  return readInWorker(
    (remote) =>
      remote.call('read', input, {
        transfer: [input.bytes],
        signal: options.signal,
        onProgress: options.onProgress,
      }),
    options,
  );
}

/**
 * Reads a labelmap file that a worker of its own gets from `location` (a URL, a DICOMweb
 * instance, a file the user chose): its bytes never pass the page's main thread, and a DICOM
 * SEG is decoded while it downloads. An aborted `signal` rejects with an AbortError and
 * terminates the worker (and its download).
 */
export function readLabelFileAtInWorker(
  location: LabelFileLocation,
  input: Omit<ReadLabelFileInput, 'bytes'>,
  options: WorkerReadOptions = {},
): Promise<ReadLabelFileOutput> {
  return readInWorker(
    (remote) =>
      remote.call(
        'readAt',
        { ...input, location },
        { signal: options.signal, onProgress: options.onProgress },
      ),
    options,
  );
}
