/// <reference lib="webworker" />
/**
 * Computes the disagreement products off the main thread with the metric engine that
 * `concord metrics` uses (same report, same confusion counts), and keeps the voxel products of
 * the last few inputs so the layer and τ changes need no recomputation.
 */
import { userMessage } from '@concord/core';
import {
  buildReport,
  computeMetrics,
  expandDisagreement,
  type StructureDisagreement,
} from '@concord/metrics';
import { boundaryGrossVolumes, classifyDisagreement } from '@concord/metrics';
import { distanceLabels } from './distanceLayer.ts';
import type { DisagreementRequest, DisagreementResponse, StructureSummary } from './protocol.ts';

interface Products {
  dims: [number, number, number];
  voxelMm3: number;
  structures: StructureDisagreement[];
}

/** Recent inputs' products, oldest first (each may hold tens of MB). */
const kept = new Map<string, Products>();
const KEEP = 2;

function post(res: DisagreementResponse, transfer: Transferable[] = []) {
  (self as unknown as Worker).postMessage(res, transfer);
}

/** Probabilities sent ahead of the next compute. */
let staged: Record<number, Float32Array> = {};

function handle(req: DisagreementRequest): void {
  if (req.type === 'probability') {
    staged[req.label] = req.data;
    post({ type: 'probability', id: req.id, ok: true });
    return;
  }
  if (req.type === 'compute') {
    const probabilities = Object.keys(staged).length > 0 ? staged : undefined;
    staged = {};
    const t0 = performance.now();
    const names = Object.fromEntries(
      [...(req.reference.labels ?? []), ...(req.prediction.labels ?? [])].map((l) => [
        l.label,
        l.name,
      ]),
    );
    const result = computeMetrics(req.reference, req.prediction, {
      labelNames: names,
      probabilities,
      disagreement: true,
    });
    const report = buildReport({
      result,
      reference: req.referenceSource,
      prediction: req.predictionSource,
      case: req.case,
    });
    const products: Products = {
      dims: [...req.reference.dims] as [number, number, number],
      voxelMm3: req.reference.spacing[0] * req.reference.spacing[1] * req.reference.spacing[2],
      structures: result.disagreement ?? [],
    };
    kept.delete(req.key);
    kept.set(req.key, products);
    while (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
    const structures: StructureSummary[] = products.structures.map((d) => ({
      label: d.label,
      name: report.structures.find((s) => s.label === d.label)?.name ?? `Label ${d.label}`,
      fp: d.slices[2].fp,
      fn: d.slices[2].fn,
    }));
    post({ type: 'compute', id: req.id, ok: true, report, structures, ms: performance.now() - t0 });
    return;
  }
  const p = kept.get(req.key);
  if (!p) {
    post({ type: req.type, id: req.id, ok: false, error: 'not computed', missing: true });
    return;
  }
  if (req.type === 'layer') {
    const d = p.structures.find((s) => s.label === req.label);
    if (!d) throw new Error(`No structure with label ${req.label}`);
    const full = expandDisagreement(d, p.dims);
    const classes =
      req.distanceMaxMm !== undefined
        ? distanceLabels(full.codes, full.distancesMm, req.distanceMaxMm, full.codes)
        : classifyDisagreement(full.codes, full.distancesMm, req.tauMm, full.codes);
    post({ type: 'layer', id: req.id, ok: true, classes }, [classes.buffer]);
    return;
  }
  const volumes = Object.fromEntries(
    p.structures.map((d) => [
      d.label,
      boundaryGrossVolumes(d.codes, d.distancesMm, req.tauMm, p.voxelMm3),
    ]),
  );
  post({ type: 'boundaryGross', id: req.id, ok: true, volumes });
}

self.onmessage = (e: MessageEvent<DisagreementRequest>) => {
  try {
    handle(e.data);
  } catch (err) {
    post({ type: e.data.type, id: e.data.id, ok: false, error: userMessage(err) });
  }
};
