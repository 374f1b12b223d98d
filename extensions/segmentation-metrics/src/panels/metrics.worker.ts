/// <reference lib="webworker" />
/**
 * Computes the metrics off the main thread: the same engine and report builder as
 * `concord metrics`, so the panel shows the CLI's numbers.
 */
import { userMessage } from '@concord/core';
import { computeMetrics } from '@concord/metrics';
import { buildReport } from '@concord/metrics';
import type {
  MetricsInput,
  MetricsPartData,
  MetricsPartName,
  MetricsRequest,
  MetricsResponse,
} from './protocol.ts';

/** Arrays received for the request being assembled (one at a time per worker). */
let parts: { id: number; data: Map<MetricsPartName, MetricsPartData> } | null = null;

self.onmessage = (e: MessageEvent<MetricsInput>) => {
  const msg = e.data;
  if (msg.kind === 'part') {
    if (parts?.id !== msg.id) parts = { id: msg.id, data: new Map() };
    parts.data.set(msg.name, msg.data);
    return;
  }
  const got = parts?.id === msg.id ? parts.data : new Map<MetricsPartName, MetricsPartData>();
  parts = null;
  compute(assemble(msg.request, got));
};

/** The request with its placeholders replaced by the arrays posted before it. */
function assemble(req: MetricsRequest, got: Map<MetricsPartName, MetricsPartData>): MetricsRequest {
  const part = <T>(name: MetricsPartName, fallback: T) =>
    (got.get(name) as T | undefined) ?? fallback;
  return {
    ...req,
    reference: { ...req.reference, data: part('reference', req.reference.data) },
    prediction: { ...req.prediction, data: part('prediction', req.prediction.data) },
    probabilities: req.probabilities
      ? Object.fromEntries(
          Object.keys(req.probabilities).map((l) => [
            l,
            part<Float32Array>(`p${Number(l)}`, new Float32Array(0)),
          ]),
        )
      : undefined,
  };
}

function compute(req: MetricsRequest) {
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
}
