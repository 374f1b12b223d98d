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
import { readDicomSeg } from '../seg/index.ts';
import type { SegmentInfo } from '../seg/types.ts';
import { connect, transfer, type CallContext, type Endpoint } from '../rpc/index.ts';

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
  phase: 'parse' | 'decode' | 'align';
  /** 0..1 within the decode phase; absent where a phase has no measure */
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
  let out: Omit<ReadLabelFileOutput, 'sourceGrid'>;
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
  const sourceGrid = gridOf(out.labelmap);
  onProgress({ phase: 'align' });
  return { ...out, labelmap: alignToReference(out.labelmap, gridOf(series.volume)), sourceGrid };
}

/** The worker's API: one method, its result's arrays transferred. */
export function createLabelFileApi() {
  return {
    read(input: ReadLabelFileInput, ctx: CallContext<ReadLabelFileProgress>) {
      const out = readLabelFileForSeries(input, (p) => ctx.progress(p));
      const buffers = labelLayers(out.labelmap).map((a) => a.buffer as ArrayBuffer);
      return transfer(out, [...new Set(buffers)]);
    },
  };
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

/**
 * Reads a labelmap file in a worker of its own: `bytes` are moved there, the labelmap comes
 * back moved. An aborted `signal` rejects with an AbortError and terminates the worker.
 * `endpoint` is for tests (a MessagePort); by default a new browser worker.
 */
export async function readLabelFileInWorker(
  input: ReadLabelFileInput,
  options: {
    signal?: AbortSignal;
    onProgress?: (p: ReadLabelFileProgress) => void;
    endpoint?: Endpoint;
  } = {},
): Promise<ReadLabelFileOutput> {
  options.signal?.throwIfAborted();
  const remote = connect<LabelFileApi>(options.endpoint ?? takeLabelFileWorker());
  try {
    return await remote.call('read', input, {
      transfer: [input.bytes],
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } finally {
    remote.close();
    // one worker ready for the next file (one per read: cancelling terminates it)
    if (!options.endpoint) prewarmLabelFileWorker();
  }
}
