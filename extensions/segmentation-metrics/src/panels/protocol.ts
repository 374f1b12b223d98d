/** Messages between the Metrics panel and its worker. */
import type { LabelVolume } from '@concord/core';
import type { EvaluationReport, ReportPrediction, ReportSource } from '@concord/metrics';

export interface MetricsRequest {
  id: number;
  reference: LabelVolume;
  prediction: LabelVolume;
  tolerancesMm?: number[];
  /** Per-class probabilities (label -> array on the reference grid), for soft metrics. */
  probabilities?: Record<number, Float32Array>;
  referenceSource: ReportSource;
  predictionSource: ReportPrediction;
  case: { studyInstanceUID: string; seriesInstanceUID: string };
}

/** `reference`, `prediction` or `p<label>` (a class's probabilities). */
export type MetricsPartName = 'reference' | 'prediction' | `p${number}`;
export type MetricsPartData = LabelVolume['data'] | Float32Array;

/**
 * What the panel posts: the big arrays one message each, a task apart (one structured clone
 * of all of them blocked the main thread for > 100 ms), then the request whose arrays are
 * empty placeholders for them.
 */
export type MetricsInput =
  | { id: number; kind: 'part'; name: MetricsPartName; data: MetricsPartData }
  | { id: number; kind: 'run'; request: MetricsRequest };

export type MetricsResponse =
  | { id: number; ok: true; report: EvaluationReport; ms: number }
  | { id: number; ok: false; error: string };
