import type { Grid } from '@concord/core';
import type { StructureDisagreement } from './disagreement.ts';
import type { InstanceOptions, StructureLesions } from './lesions.ts';
import type { ManualPair, MatchMode, StructurePair } from './pairing.ts';
import type { ProbabilisticOptions, ProbabilisticResult } from './probabilistic.ts';
import type { MetricRow, StructureStatus } from './registry.ts';

export type { StructureStatus };

/** Per-class probability volumes (same voxel order and grid as the reference), keyed by label. */
export type ProbabilityVolumes =
  ReadonlyMap<number, ArrayLike<number>> | Readonly<Record<number, ArrayLike<number>>>;

/** Label names, keyed by label. */
export type LabelNames = ReadonlyMap<number, string> | Readonly<Record<number, string>>;

export interface MetricsOptions {
  /** Evaluate exactly these labels (absent ones get `both-empty`); default: labels present in either input. */
  labels?: readonly number[];
  /** NSD tolerances in mm; default [1, 2]. */
  tolerancesMm?: readonly number[];
  /** Per-class probabilities p_k, for soft Dice and expected volume. */
  probabilities?: ProbabilityVolumes;
  /**
   * Names of labels that carry none of their own (NIfTI labels: a names file, the model's
   * classes); a structure's own name (SEG segment label) wins.
   */
  labelNames?: LabelNames;
  /** How reference and prediction structures are paired (docs/structures.md); default auto. */
  match?: MatchMode;
  /** Pairs chosen by the user (structure numbers), applied before `match` pairs the rest. */
  pairs?: readonly ManualPair[];
  /** Also return the disagreement products (TP/FP/FN codes, FP/FN distances, slice counts). */
  disagreement?: boolean;
  /** Structures to evaluate lesion-wise (docs/metrics.md#lesion-wise-evaluation). */
  instances?: InstanceOptions;
  /** Tversky weights and entropy threshold of the probabilistic pass (docs/calibration.md). */
  probabilistic?: ProbabilisticOptions;
}

/**
 * Metrics of one structure: the fields, value types and order of the METRICS registry
 * (registry.ts), which are those of the `concord.report/v1` JSON and CSV.
 */
export type StructureMetrics = MetricRow & {
  /** Lesion-wise evaluation, for structures marked as instances (a nested table, not a column). */
  lesions?: StructureLesions;
};

/** Case summary: macro means over structures with status `ok`, pooled Dice over all evaluated. */
export interface MetricsSummary {
  meanDice: number | null;
  meanJaccard: number | null;
  meanHd95: number | null;
  meanAssd: number | null;
  meanNsd: Record<string, number | null>;
  pooledDice: number | null;
  /** Number of structures with status `ok` (the ones the means are taken over). */
  structuresEvaluated: number;
}

/** Full label-by-label confusion matrix: counts[r][p] = #voxels with reference r and prediction p. */
export interface ConfusionMatrix {
  /** Every label seen in either input, 0 included, ascending. */
  labels: number[];
  counts: number[][];
}

export interface MetricDefinitions {
  surface: '6-connected';
  percentile: 'linear';
  tolerancesMm: number[];
}

export interface MetricsResult {
  grid: Grid;
  definitions: MetricDefinitions;
  structures: StructureMetrics[];
  summary: MetricsSummary;
  confusion: ConfusionMatrix;
  /** How every reference and prediction structure was paired (docs/structures.md). */
  pairs: StructurePair[];
  /** One line each: structures on one side only, ambiguous codes or names. */
  warnings: string[];
  /** Whether an input has overlapping structures (the confusion matrix then counts a voxel once per structure it is in). */
  overlap: { reference: boolean; prediction: boolean };
  /** Per evaluated structure, same order as `structures`; only with options.disagreement. */
  disagreement?: StructureDisagreement[];
  /** Reliability diagrams, uncertainty histograms and loss rankings; only with probabilities. */
  probabilistic?: ProbabilisticResult;
}

/** Inclusive voxel-index box. */
export interface IndexBox {
  min: [number, number, number];
  max: [number, number, number];
}
