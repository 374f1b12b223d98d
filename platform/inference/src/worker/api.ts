/**
 * The inference worker's API, served with the core worker RPC (`expose` in `inferenceWorker.ts`,
 * `connect` in `client.ts`; docs/architecture.md). It owns one ORT session: `load` creates it,
 * `run` runs the model on a volume (progress and cancel through the RPC), `dispose` frees it.
 * No DOM: the same object runs behind a MessagePort in Node tests.
 */
import {
  transfer,
  type CallContext,
  type Grid,
  type Transferable,
  type TypedArray,
} from '@concord/core';
import {
  createWebBackend,
  type WasmPaths,
  type WebBackend,
  type WebBackendPreference,
} from '../backends/web.ts';
import { toProbabilityArrays } from '../engine/probabilities.ts';
import { runInference } from '../engine/runInference.ts';
import type { InferenceProgress, InferenceResult } from '../engine/types.ts';
import type { ModelManifest } from '../manifest/types.ts';
import { validateManifest } from '../manifest/validate.ts';

/** A run's result as the worker returns it. */
export interface WorkerInferenceResult extends InferenceResult {
  /** With `floatProbabilities`: label -> p on the source grid (background left out). */
  probabilityArrays?: Record<number, Float32Array>;
}

export interface LoadOptions {
  /** 'auto' = WebGPU when an adapter exists, else WASM. */
  backend?: WebBackendPreference;
  /** WASM threads; default min(cores, 4) when cross-origin isolated, else 1. */
  threads?: number;
  /** URL prefix of ORT's .wasm/.mjs files, or their URLs; default '/ort/' in the browser worker (served by us, never a CDN). */
  wasmPaths?: WasmPaths;
}

export interface RunOptions {
  probabilities?: boolean;
  /**
   * With `probabilities`: the worker also turns them into one Float32Array per foreground
   * label (p = q / 255) and returns those instead of the quantised ones, so the page does no
   * per-voxel work when the result arrives.
   */
  floatProbabilities?: boolean;
  batchSize?: number;
  memoryLimitBytes?: number;
}

export interface LoadInput {
  manifest: ModelManifest;
  /** Moved to the worker (the client sends a copy). */
  modelBytes: ArrayBuffer;
  options: LoadOptions;
}

export interface RunInput {
  /** The voxels are moved to the worker (the client sends a copy). */
  volume: Grid & { data: TypedArray };
  options: RunOptions;
}

export interface InferenceWorkerConfig {
  /** onnxruntime-web (the worker imports it; a Node test passes the same module). */
  ort: Parameters<typeof createWebBackend>[0];
  /** wasmPaths when a load does not give one (the browser worker: '/ort/'). */
  wasmPaths?: WasmPaths;
}

/** The API object the inference worker exposes. */
export function createInferenceWorkerApi(config: InferenceWorkerConfig) {
  let backend: WebBackend | null = null;
  let manifest: ModelManifest | null = null;
  const running = new Set<AbortController>();

  return {
    async load(input: LoadInput): Promise<{ backend: string; threads: number; reason: string }> {
      if (backend) await backend.release();
      backend = null;
      manifest = validateManifest(input.manifest);
      backend = await createWebBackend(config.ort, manifest, new Uint8Array(input.modelBytes), {
        preference: input.options.backend,
        threads: input.options.threads,
        wasmPaths: input.options.wasmPaths ?? config.wasmPaths,
      });
      return { backend: backend.name, threads: backend.threads, reason: backend.reason };
    },

    async run(input: RunInput, ctx: CallContext<InferenceProgress>) {
      if (!backend || !manifest) throw new Error('No model loaded in the inference worker');
      const current = backend;
      const ctrl = new AbortController();
      // a cancelled run releases its session (runInference frees it on abort): from the moment
      // of the cancel on, later calls must not use it
      const onAbort = () => {
        if (backend === current) backend = null;
        ctrl.abort();
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      running.add(ctrl);
      try {
        const { floatProbabilities, ...options } = input.options;
        const full = await runInference(input.volume, manifest, {
          ...options,
          backend: current,
          signal: ctrl.signal,
          onProgress: (p) => ctx.progress(p),
        });
        // cancelled after its last check: nobody takes the result, free the session here
        if (ctrl.signal.aborted) await current.release();
        // the float conversion is per-voxel work: here, not on the page
        const result: WorkerInferenceResult =
          floatProbabilities && full.probabilities
            ? {
                ...full,
                probabilities: undefined,
                probabilityArrays: toProbabilityArrays(full.probabilities),
              }
            : full;
        // every array is transferred (no copy on either side)
        const buffers: Transferable[] = [result.labels.data.buffer as ArrayBuffer];
        for (const p of result.probabilities?.data ?? []) buffers.push(p.buffer as ArrayBuffer);
        for (const p of Object.values(result.probabilityArrays ?? {}))
          buffers.push(p.buffer as ArrayBuffer);
        return transfer(result, buffers);
      } catch (e) {
        if (ctrl.signal.aborted && backend === current) backend = null;
        throw e;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        running.delete(ctrl);
      }
    },

    async dispose(): Promise<void> {
      for (const c of running) c.abort();
      await backend?.release();
      backend = null;
    },
  };
}

export type InferenceWorkerApi = ReturnType<typeof createInferenceWorkerApi>;
