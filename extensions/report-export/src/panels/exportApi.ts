/**
 * What the Export panel's worker does: SEG, SR, JSON, CSV and PDF with the writers
 * `concord evaluate` uses, from the evaluation session's report (never recomputed here) and the
 * labelmaps it was computed from. The image, reference and prediction arrays arrive staged, one
 * per main-thread task; the files go back as transferred buffers. DOM-free.
 */
import {
  transfer,
  type CallContext,
  type DicomSeriesResult,
  type LabelVolume,
  type SegmentDefinition,
} from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import { PartStore, type StageInput } from '@concord/metrics/session';
import { buildEvaluationExports, type ExportFiles } from '@concord/reports';

export interface ExportJob {
  /** The staging token of the `image`, `reference` and `prediction` arrays. */
  token: number;
  /** the displayed series: image volume + instance attributes (SEG/SR reference it) */
  series: DicomSeriesResult;
  reference: LabelVolume;
  prediction: LabelVolume;
  /** The evaluation session's report of these labelmaps. */
  report: EvaluationReport;
  segments: SegmentDefinition[];
  algorithm: { name: string; version: string };
  includePhi: boolean;
  /** The boundary/gross threshold the viewer shows (the PDF's disagreement slices use it). */
  tauMm?: number;
}

export interface ExportResult {
  files: ExportFiles;
  seg: { sopInstanceUID: string; seriesInstanceUID: string };
  sr: { sopInstanceUID: string; seriesInstanceUID: string; skippedLabels: number[] };
  /** worker time writing the files, ms */
  ms: number;
}

export function createExportApi() {
  const staged = new PartStore();
  return {
    stage(input: StageInput): void {
      staged.stage(input);
    },

    async build(job: ExportJob, ctx: CallContext<'exports'>) {
      const got = staged.take(job.token);
      const part = <T>(name: string): T => {
        const data = got.get(name);
        if (!data) throw new Error(`The ${name} array was not sent to the export worker`);
        return data as T;
      };
      const t0 = performance.now();
      ctx.progress('exports');
      const out = await buildEvaluationExports({
        report: job.report,
        series: {
          ...job.series,
          volume: { ...job.series.volume, data: part('image') },
        },
        reference: { ...job.reference, data: part('reference') },
        prediction: { ...job.prediction, data: part('prediction') },
        segments: job.segments,
        algorithm: job.algorithm,
        includePhi: job.includePhi,
        ...(job.tauMm !== undefined ? { tauMm: job.tauMm } : {}),
      });
      const result: ExportResult = { ...out, ms: performance.now() - t0 };
      return transfer(result, [
        ...new Set(Object.values(out.files).map((f: Uint8Array) => f.buffer as ArrayBuffer)),
      ]);
    },
  };
}

export type ExportApi = ReturnType<typeof createExportApi>;
