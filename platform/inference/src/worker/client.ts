import {
  GeometryMismatchError,
  InvalidInputError,
  ModelMismatchError,
  UnsupportedFormatError,
  type Volume,
} from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { parseManifest } from '../manifest/validate.ts';
import type { InferenceProgress } from '../engine/types.ts';
import type {
  FromWorker,
  LoadOptions,
  RunOptions,
  SerializedError,
  ToWorker,
  WorkerInferenceResult,
} from './protocol.ts';

export type { LoadOptions, RunOptions, WorkerInferenceResult } from './protocol.ts';

export interface ModelSource {
  manifest: ModelManifest;
  modelBytes: Uint8Array;
}

export interface InferenceClient {
  /** Creates the session in the worker; resolves with the backend that actually got it. */
  load(model: ModelSource, options?: LoadOptions): Promise<{ backend: string; threads: number }>;
  /** Runs the loaded model on a volume (copied to the worker; the caller's data stays intact). */
  run(
    volume: Volume,
    options?: RunOptions & { signal?: AbortSignal; onProgress?: (p: InferenceProgress) => void },
  ): Promise<WorkerInferenceResult>;
  /** Frees the session and terminates the worker. */
  dispose(): Promise<void>;
}

const ERRORS: Record<string, new (m: string) => Error> = {
  MODEL_MISMATCH: ModelMismatchError,
  INVALID_INPUT: InvalidInputError,
  GEOMETRY_MISMATCH: GeometryMismatchError,
  UNSUPPORTED_FORMAT: UnsupportedFormatError,
};

function revive(e: SerializedError): Error {
  if (e.code && ERRORS[e.code]) return new ERRORS[e.code](e.message);
  if (e.name === 'AbortError') return new DOMException(e.message, 'AbortError');
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * Typed client of the inference worker (the viewer's Model panel uses this).
 * By default it starts `inferenceWorker.ts` as a module worker (bundled by Vite).
 */
export function createInferenceClient(options: { worker?: Worker } = {}): InferenceClient {
  const worker =
    options.worker ??
    new Worker(new URL('./inferenceWorker.ts', import.meta.url), { type: 'module' });
  let nextId = 1;
  const pending = new Map<
    number,
    {
      resolve: (m: FromWorker) => void;
      reject: (e: Error) => void;
      onProgress?: (p: InferenceProgress) => void;
    }
  >();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress);
      return;
    }
    pending.delete(msg.id);
    if (msg.type === 'error') p.reject(revive(msg.error));
    else p.resolve(msg);
  };
  worker.onerror = (e: ErrorEvent) => {
    const err = new Error(`Inference worker failed: ${e.message}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const call = (
    msg: ToWorker,
    transfer: Transferable[] = [],
    onProgress?: (p: InferenceProgress) => void,
  ): Promise<FromWorker> =>
    new Promise((resolve, reject) => {
      pending.set(msg.id, { resolve, reject, onProgress });
      worker.postMessage(msg, transfer);
    });

  return {
    async load(model, loadOptions = {}) {
      const bytes = model.modelBytes.slice().buffer as ArrayBuffer;
      const msg = await call(
        {
          type: 'load',
          id: nextId++,
          manifest: model.manifest,
          modelBytes: bytes,
          options: loadOptions,
        },
        [bytes],
      );
      if (msg.type !== 'loaded') throw new Error(`Unexpected worker reply ${msg.type}`);
      return { backend: msg.backend, threads: msg.threads };
    },
    async run(volume, runOptions = {}) {
      const { signal, onProgress, ...rest } = runOptions;
      const id = nextId++;
      const data = volume.data.slice();
      const payload = {
        dims: volume.dims,
        spacing: volume.spacing,
        origin: volume.origin,
        direction: volume.direction,
        frameOfReferenceUID: volume.frameOfReferenceUID,
        data,
      };
      const onAbort = () => worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
      if (signal?.aborted) throw new DOMException('Inference cancelled', 'AbortError');
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const msg = await call(
          { type: 'run', id, volume: payload, options: rest },
          [data.buffer as ArrayBuffer],
          onProgress,
        );
        if (msg.type !== 'result') throw new Error(`Unexpected worker reply ${msg.type}`);
        return msg.result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async dispose() {
      try {
        await call({ type: 'dispose', id: nextId++ });
      } finally {
        worker.terminate();
      }
    },
  };
}

/** Fetches and validates a manifest, then the ONNX file it names (relative to the manifest URL). */
export async function fetchModel(
  manifestUrl: string | URL,
  fetchImpl: typeof fetch = fetch,
): Promise<ModelSource> {
  const base = new URL(manifestUrl, (globalThis as { location?: { href: string } }).location?.href);
  const res = await fetchImpl(base);
  if (!res.ok)
    throw new InvalidInputError(`Cannot fetch model manifest ${base}: HTTP ${res.status}`);
  const manifest = parseManifest(await res.text(), String(base));
  const modelUrl = new URL(manifest.file, base);
  const mres = await fetchImpl(modelUrl);
  if (!mres.ok)
    throw new InvalidInputError(`Cannot fetch model file ${modelUrl}: HTTP ${mres.status}`);
  return { manifest, modelBytes: new Uint8Array(await mres.arrayBuffer()) };
}
