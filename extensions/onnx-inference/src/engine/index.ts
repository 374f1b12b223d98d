export type { InferenceBackend, BackendName } from './backend.ts';
export * from './types.ts';
export { runInference, DEFAULT_MEMORY_LIMIT, type RunInferenceOptions } from './runInference.ts';
export { planInference, estimateInferenceMemory, type InferencePlan } from './plan.ts';
export type { IntensityStats } from './intensity.ts';
export { normaliseIntensity, percentiles } from './intensity.ts';
export { orientationMapping, reorientGrid, type AxisMap } from './orientation.ts';
export { resampleToSpacing, resampleBack, resampledSize } from './resample.ts';
export { tileStarts, blendWeights } from './tiling.ts';
