/**
 * @concord/inference — runs ONNX segmentation models on a Volume: the concord.model/v1
 * manifest, the memory plan, reorientation, resampling, intensity normalisation, tiling and
 * blending, and the ORT backends. Node helpers are in `./node`, the browser backend in `./web`,
 * the browser inference worker in `./worker`.
 */
export * from './manifest/index.ts';
export * from './engine/index.ts';
export * from './backends/ort.ts';
export type { LoadOptions, RunOptions, WorkerInferenceResult } from './worker/api.ts';
