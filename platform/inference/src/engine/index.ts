export type { InferenceBackend, BackendName } from './backend.ts';
export * from './types.ts';
export {
  runInference,
  planInferenceMemory,
  cropRegion,
  DEFAULT_MEMORY_LIMIT,
  type RunInferenceOptions,
} from './runInference.ts';
export { postprocessLabels } from './postprocess.ts';
export {
  planInference,
  estimateInferenceMemory,
  type InferencePlan,
  type MemoryEstimate,
  type ProbabilityPrecision,
} from './plan.ts';
export type { IntensityStats } from './intensity.ts';
export { normaliseIntensity } from './intensity.ts';
export { orientationMapping, reorientGrid, type AxisMap } from './orientation.ts';
export { resampleToSpacing, resampleBack, resampledSize } from './resample.ts';
export { tileStarts, blendWeights } from './tiling.ts';
export { toProbabilityArrays } from './probabilities.ts';
export {
  conformGrid,
  conformSample,
  conformScaling,
  CONFORM_SIZE,
  type ConformScaling,
} from './conform.ts';
