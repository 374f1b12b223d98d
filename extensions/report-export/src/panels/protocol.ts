/** Messages between the Export panel and its worker. */
import type { DicomSeriesResult, LabelVolume, SegmentDefinition } from '@concord/core';
import type { EvaluationReport, ReportPrediction, ReportSource } from '@concord/metrics';
import type { ExportKind } from '@concord/reports';

export interface ExportRequest {
  id: number;
  /** the displayed series: image volume + instance attributes (SEG/SR reference it) */
  series: DicomSeriesResult;
  reference: LabelVolume;
  prediction: LabelVolume;
  /**
   * The Metrics panel's report for these labelmaps, used as is; when absent the worker
   * computes it (and needs `probabilities` for the soft metrics).
   */
  report?: EvaluationReport;
  /** per-class probabilities on the image grid, for soft metrics (as the Metrics panel) */
  probabilities?: Record<number, Float32Array>;
  referenceSource: ReportSource;
  predictionSource: ReportPrediction;
  case: { studyInstanceUID: string; seriesInstanceUID: string };
  segments: SegmentDefinition[];
  algorithm: { name: string; version: string };
  includePhi: boolean;
}

/**
 * What the panel posts: the big arrays one message each (so no single structured clone blocks
 * the main thread for long), then the job whose arrays are empty placeholders for them.
 */
export type ExportInput =
  | { id: number; kind: 'part'; name: PartName; data: PartData }
  | { id: number; kind: 'run'; job: ExportRequest };

/** One big array: image voxels, labels or a class's probabilities. */
export type PartData =
  ExportRequest['series']['volume']['data'] | LabelVolume['data'] | Float32Array;

/** `image`, `reference`, `prediction` or `p<label>` (a class's probabilities). */
export type PartName = 'image' | 'reference' | 'prediction' | `p${number}`;

export type ExportStage = 'metrics' | 'exports';

export type ExportMessage =
  | { id: number; kind: 'progress'; stage: ExportStage }
  | {
      id: number;
      kind: 'done';
      report: EvaluationReport;
      /** true: the Metrics panel's report was used (no metrics computed here) */
      reportReused: boolean;
      files: Record<ExportKind, Uint8Array>;
      seg: { sopInstanceUID: string; seriesInstanceUID: string };
      sr: { sopInstanceUID: string; seriesInstanceUID: string; skippedLabels: number[] };
      /** worker time per stage, ms */
      ms: { metrics: number; exports: number };
    }
  | { id: number; kind: 'error'; error: string };
