import type { Grid, TypedArray } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import type { WebBackendPreference } from '../backends/web.ts';
import type { InferenceProgress, InferenceResult } from '../engine/types.ts';

/** A run's result as the worker returns it. */
export interface WorkerInferenceResult extends InferenceResult {
  /** With `floatProbabilities`: label -> p on the source grid (background left out). */
  probabilityArrays?: Record<number, Float32Array>;
}

/** Messages between `createInferenceClient()` and `inferenceWorker.ts`. */
export interface LoadOptions {
  /** 'auto' = WebGPU when an adapter exists, else WASM. */
  backend?: WebBackendPreference;
  /** WASM threads; default min(cores, 4) when cross-origin isolated, else 1. */
  threads?: number;
  /** URL prefix of ORT's .wasm/.mjs files; default '/ort/' (served by us, never a CDN). */
  wasmPaths?: string;
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

export type ToWorker =
  | {
      type: 'load';
      id: number;
      manifest: ModelManifest;
      modelBytes: ArrayBuffer;
      options: LoadOptions;
    }
  | { type: 'run'; id: number; volume: Grid & { data: TypedArray }; options: RunOptions }
  | { type: 'cancel'; id: number }
  | { type: 'dispose'; id: number };

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
}

export type FromWorker =
  | { type: 'loaded'; id: number; backend: string; threads: number }
  | { type: 'progress'; id: number; progress: InferenceProgress }
  | { type: 'result'; id: number; result: WorkerInferenceResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'disposed'; id: number };
