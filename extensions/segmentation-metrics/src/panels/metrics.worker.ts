/// <reference lib="webworker" />
/**
 * Computes the metrics off the main thread: the same engine and report builder as
 * `concord metrics`, so the panel shows the CLI's numbers.
 */
import { userMessage } from '@concord/core';
import { computeMetrics } from '../engine/metrics.ts';
import { buildReport } from '../report/report.ts';
import type { MetricsRequest, MetricsResponse } from './protocol.ts';

self.onmessage = (e: MessageEvent<MetricsRequest>) => {
  const req = e.data;
  const t0 = performance.now();
  let res: MetricsResponse;
  try {
    const names = Object.fromEntries(
      [...(req.reference.labels ?? []), ...(req.prediction.labels ?? [])].map((l) => [
        l.label,
        l.name,
      ]),
    );
    const result = computeMetrics(req.reference, req.prediction, {
      tolerancesMm: req.tolerancesMm,
      labelNames: names,
      probabilities: req.probabilities,
    });
    const report = buildReport({
      result,
      reference: req.referenceSource,
      prediction: req.predictionSource,
      case: req.case,
    });
    res = { id: req.id, ok: true, report, ms: performance.now() - t0 };
  } catch (err) {
    res = { id: req.id, ok: false, error: userMessage(err) };
  }
  (self as unknown as Worker).postMessage(res);
};
