import { InvalidInputError, connect, type Endpoint, type Volume } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { parseManifest } from '../manifest/validate.ts';
import type { InferenceProgress } from '../engine/types.ts';
import type { InferenceWorkerApi, LoadOptions, RunOptions, WorkerInferenceResult } from './api.ts';

export type { LoadOptions, RunOptions, WorkerInferenceResult } from './api.ts';
export { createInferenceWorkerApi, type InferenceWorkerApi } from './api.ts';

export interface ModelSource {
  manifest: ModelManifest;
  modelBytes: Uint8Array;
}

export interface InferenceClient {
  /** Creates the session in the worker; resolves with the backend that actually got it. */
  load(
    model: ModelSource,
    options?: LoadOptions,
  ): Promise<{ backend: string; threads: number; reason: string }>;
  /**
   * Runs the loaded model on a volume (copied to the worker; the caller's data stays intact).
   * Aborting `signal` rejects with an AbortError at once and stops the run in the worker between
   * batches, which frees the session: load again before the next run.
   */
  run(
    volume: Volume,
    options?: RunOptions & { signal?: AbortSignal; onProgress?: (p: InferenceProgress) => void },
  ): Promise<WorkerInferenceResult>;
  /** Frees the session and terminates the worker. */
  dispose(): Promise<void>;
}

/** The browser's module Worker, as far as this entry uses it (engine packages build without the DOM lib). */
declare const Worker: new (url: URL, options: { type: 'module'; name?: string }) => Endpoint;

/**
 * Typed client of the inference worker (the viewer's Model panel uses this), over the core
 * worker RPC. By default it starts `inferenceWorker.ts` as a module worker (bundled by Vite);
 * `worker` may be any RPC endpoint serving `createInferenceWorkerApi` (a MessagePort in tests).
 */
export function createInferenceClient(options: { worker?: Endpoint } = {}): InferenceClient {
  const endpoint: Endpoint =
    options.worker ??
    new Worker(new URL('./inferenceWorker.ts', import.meta.url), { type: 'module' });
  const remote = connect<InferenceWorkerApi>(endpoint);

  return {
    load(model, loadOptions = {}) {
      const modelBytes = model.modelBytes.slice().buffer as ArrayBuffer;
      return remote.call(
        'load',
        { manifest: model.manifest, modelBytes, options: loadOptions },
        { transfer: [modelBytes] },
      );
    },
    run(volume, runOptions = {}) {
      const { signal, onProgress, ...rest } = runOptions;
      const data = volume.data.slice();
      const payload = {
        dims: volume.dims,
        spacing: volume.spacing,
        origin: volume.origin,
        direction: volume.direction,
        frameOfReferenceUID: volume.frameOfReferenceUID,
        data,
      };
      return remote.call(
        'run',
        { volume: payload, options: rest },
        { transfer: [data.buffer as ArrayBuffer], signal, onProgress },
      );
    },
    async dispose() {
      try {
        await remote.call('dispose', undefined);
      } finally {
        remote.close();
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
