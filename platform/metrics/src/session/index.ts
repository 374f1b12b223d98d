/**
 * @concord/metrics/session — the evaluation session the viewer panels share
 * (docs/architecture.md#data-flow), its analysis worker API, and the one-array-per-task
 * staging other workers use too. DOM-free.
 */
export * from './evaluationSession.ts';
export { getEvaluationSession } from './registry.ts';
export {
  createAnalysisApi,
  NOT_COMPUTED,
  type AnalysisApi,
  type EvaluateInput,
  type EvaluateOutput,
  type LayerInput,
  type StructureSummary,
} from './analysisApi.ts';
export { DISTANCE_BINS, distanceLabelInfo, distanceLabels } from './distanceLayer.ts';
export {
  EMPTY,
  PartStore,
  stageParts,
  type PartData,
  type StageInput,
  type StagingApi,
} from './parts.ts';
