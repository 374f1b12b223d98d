/** Messages between the Metrics panel and its worker. */
import type { LabelVolume } from '@concord/core';
import type { EvaluationReport, ReportPrediction, ReportSource } from '../report/report.ts';

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

export type MetricsResponse =
  | { id: number; ok: true; report: EvaluationReport; ms: number }
  | { id: number; ok: false; error: string };
