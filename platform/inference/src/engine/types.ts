import type { LabelVolume, Volume } from '@concord/core';
import type { IntensityStats } from './intensity.ts';
import type { ConformScaling } from './conform.ts';
import type { ProbabilityPrecision } from './plan.ts';

export type InferenceStage = 'preprocess' | 'inference' | 'postprocess';

export interface InferenceProgress {
  stage: InferenceStage;
  /** Units done / total: batches of slices or patches during 'inference', steps otherwise. */
  done: number;
  total: number;
  /** 'slices' (2d) or 'patches' (3d). */
  unit?: 'slices' | 'patches' | 'steps';
}

/** Per-class probabilities on the source grid, quantised: p ≈ data / 255. */
export interface ClassProbabilities {
  /** Class labels, in the order of `data`. */
  labels: number[];
  /** One Uint8Array per class, source grid storage order. */
  data: Uint8Array[];
  scale: 255;
}

export interface InferenceTimings {
  /** Reorientation, resampling, normalisation, padding and patch extraction. */
  preprocessMs: number;
  /** Time inside the runtime (backend.run). */
  inferenceMs: number;
  /** Blending, softmax, resampling back, argmax, probability quantisation. */
  postprocessMs: number;
  totalMs: number;
  /** Median time of one backend.run call. */
  medianBatchMs: number;
}

export interface InferenceResult {
  labels: LabelVolume;
  probabilities?: ClassProbabilities;
  model: { name: string; version: string; sha256: string };
  backend: string;
  threads: number;
  timings: InferenceTimings;
  /** The grid the model ran on (after reorientation and resampling, before padding). */
  modelGrid: Omit<Volume, 'data'>;
  /** The part of the model grid that was fed to the model (the crop box, or all of it). */
  region: { start: [number, number, number]; dims: [number, number, number] };
  /** The planned peak memory and how probabilities were stored (docs/manifest.md#memory). */
  memory: { estimatedBytes: number; precision: ProbabilityPrecision };
  intensity: IntensityStats;
  /** With `resample: "conform"`: the intensity scaling it applied. */
  conform?: ConformScaling;
  tiles: number;
  batches: number;
}
