/// <reference lib="webworker" />
/**
 * Builds every export off the main thread: the report (the Metrics panel's engine and report
 * builder, on the same inputs, so the same numbers), then SEG, SR, JSON, CSV and PDF with the
 * writers `concord evaluate` uses. The files go back as transferred buffers.
 */
import { userMessage } from '@concord/core';
import { buildReport, computeMetrics, type EvaluationReport } from '@concord/metrics';
import { buildEvaluationExports } from '@concord/reports';
import type { ExportInput, ExportMessage, ExportRequest, PartData, PartName } from './protocol.ts';

const post = (msg: ExportMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(msg, transfer);

/** Arrays received for the job being assembled (one job at a time per worker). */
let parts: { id: number; data: Map<PartName, PartData> } | null = null;

self.onmessage = (e: MessageEvent<ExportInput>) => {
  const msg = e.data;
  if (msg.kind === 'part') {
    if (parts?.id !== msg.id) parts = { id: msg.id, data: new Map() };
    parts.data.set(msg.name, msg.data);
    return;
  }
  const got = parts?.id === msg.id ? parts.data : new Map();
  parts = null;
  const job = msg.job;
  const part = <T>(name: PartName, fallback: T) => (got.get(name) as T | undefined) ?? fallback;
  void build({
    ...job,
    series: {
      ...job.series,
      volume: { ...job.series.volume, data: part('image', job.series.volume.data) },
    },
    reference: { ...job.reference, data: part('reference', job.reference.data) },
    prediction: { ...job.prediction, data: part('prediction', job.prediction.data) },
    probabilities: job.probabilities
      ? Object.fromEntries(
          Object.keys(job.probabilities).map((l) => [
            l,
            part<Float32Array>(`p${Number(l)}`, new Float32Array(0)),
          ]),
        )
      : undefined,
  });
};

async function build(req: ExportRequest) {
  try {
    const t0 = performance.now();
    // the Metrics panel's report when it has one for these labelmaps, else computed here
    let report = req.report;
    if (!report) {
      post({ id: req.id, kind: 'progress', stage: 'metrics' });
      report = computeReport(req);
    }
    const t1 = performance.now();
    post({ id: req.id, kind: 'progress', stage: 'exports' });
    const out = await buildEvaluationExports({
      report,
      series: req.series,
      reference: req.reference,
      prediction: req.prediction,
      segments: req.segments,
      algorithm: req.algorithm,
      includePhi: req.includePhi,
    });
    const ms = { metrics: t1 - t0, exports: performance.now() - t1 };
    post(
      {
        id: req.id,
        kind: 'done',
        report,
        reportReused: !!req.report,
        files: out.files,
        seg: out.seg,
        sr: out.sr,
        ms,
      },
      [...new Set(Object.values(out.files).map((f) => f.buffer as ArrayBuffer))],
    );
  } catch (err) {
    post({ id: req.id, kind: 'error', error: userMessage(err) });
  }
}

/** The report the Metrics panel shows, from the same engine and inputs. */
function computeReport(req: ExportRequest): EvaluationReport {
  const names = Object.fromEntries(
    [...(req.reference.labels ?? []), ...(req.prediction.labels ?? [])].map((l) => [
      l.label,
      l.name,
    ]),
  );
  const result = computeMetrics(req.reference, req.prediction, {
    labelNames: names,
    probabilities: req.probabilities,
  });
  return buildReport({
    result,
    reference: req.referenceSource,
    prediction: req.predictionSource,
    case: req.case,
  });
}
