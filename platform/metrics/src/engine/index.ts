/** Headless metric engine (docs/metrics.md): typed arrays in, plain objects out; no DOM. */
export * from './types.ts';
export {
  METRICS,
  STRUCTURE_STATUSES,
  VALUE_SCHEMAS,
  metricSpec,
  isNumericMetric,
  nsdColumn,
  nsdColumnSpec,
  type MetricSpec,
  type MetricKey,
  type MetricRow,
  type MetricUnit,
  type MetricPresence,
  type MetricValueType,
  type MetricValueTypes,
  type NumericMetricKey,
} from './registry.ts';
export {
  computeMetrics,
  computeMetricsThenDisagreement,
  computeOverlap,
  DEFAULT_TOLERANCES_MM,
  toleranceKey,
  statusOf,
} from './metrics.ts';
export {
  countJoint,
  labelCounts,
  confusionMatrix,
  type JointCounts,
  type LabelCounts,
} from './confusion.ts';
export { squaredEdt, edt1d, edtScratch, type EdtScratch } from './edt.ts';
export {
  computeDisagreement,
  expandDisagreement,
  boxDistances,
  boxValuesOnGrid,
  VOXEL_CODE,
  type SliceCounts,
  type StructureDisagreement,
} from './disagreement.ts';
export {
  pairStructures,
  structureEntries,
  isGenericName,
  isIdentityPairing,
  codeKey,
  nameKey,
  MATCH_MODES,
  type MatchMode,
  type MatchedBy,
  type ManualPair,
  type StructureEntry,
  type StructurePair,
  type PairingResult,
} from './pairing.ts';
export {
  planEvaluation,
  presentLabels,
  type EvaluationPlan,
  type PlannedStructure,
  type PlanOptions,
} from './plan.ts';
export {
  labelMoments,
  centroidIndex,
  centroidOffsetMm,
  volumeSimilarity,
  indexToWorld,
  type LabelMoments,
} from './shape.ts';
export {
  connectedComponents,
  componentIntersections,
  type Components,
  type Connectivity,
} from './components.ts';
export {
  evaluateLesions,
  matchComponents,
  validInstanceOptions,
  DEFAULT_IOU_THRESHOLD,
  LESION_MATCH_MODES,
  type InstanceOptions,
  type LesionMatchMode,
  type LesionRow,
  type StructureLesions,
} from './lesions.ts';
export * from './probabilistic.ts';
export { PROBABILISTIC_METRICS } from './probabilisticMetrics.ts';
