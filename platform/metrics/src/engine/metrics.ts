import {
  assertVolumeShape,
  gridDifference,
  gridOf,
  InvalidInputError,
  percentileLinear,
  voxelCount,
  voxelVolumeMm3,
  type LabelVolume,
} from '@concord/core';
import type { LabelCounts } from './confusion.ts';
import { probabilisticPass } from './probabilistic.ts';
import { planEvaluation, type EvaluationPlan, type PlannedStructure } from './plan.ts';
import {
  disagreementOfPlan,
  emptyDisagreement,
  structureDisagreement,
  type StructureDisagreement,
} from './disagreement.ts';
import {
  boxView,
  fillMasks,
  markSurfaces,
  newWorkspaceFor,
  surfaceDistances,
  SurfaceWorkspace,
} from './surface.ts';
import { applyCentroidOffset, applyLesions, instanceWarnings } from './structureExtras.ts';
import { MomentsCache, volumeSimilarity } from './shape.ts';
import type {
  MetricsOptions,
  MetricsResult,
  MetricsSummary,
  ProbabilityVolumes,
  StructureMetrics,
  StructureStatus,
} from './types.ts';

export const DEFAULT_TOLERANCES_MM: readonly number[] = [1, 2];

/** Slack for `d <= τ` so that float32 squared distances never flip an exact tie (1e-6 mm). */
const TOLERANCE_EPS_MM = 1e-6;

/** Key of a tolerance in `nsd` objects (and CSV column suffix): String(τ), e.g. "1", "0.5". */
export function toleranceKey(tolMm: number): string {
  return String(tolMm);
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

export function lookup<T>(
  m: ReadonlyMap<number, T> | Readonly<Record<number, T>> | undefined,
  l: number,
) {
  if (!m) return undefined;
  return m instanceof Map ? m.get(l) : (m as Record<number, T>)[l];
}

export function statusOf(refVoxels: number, predVoxels: number): StructureStatus {
  if (refVoxels === 0) return predVoxels === 0 ? 'both-empty' : 'reference-empty';
  return predVoxels === 0 ? 'prediction-empty' : 'ok';
}

/** Checks that both volumes are valid label volumes on the same grid. */
export function assertComparable(reference: LabelVolume, prediction: LabelVolume): void {
  assertVolumeShape(reference, 'reference');
  assertVolumeShape(prediction, 'prediction');
  const diff = gridDifference(reference, prediction);
  if (diff) {
    throw new InvalidInputError(
      `prediction is not on the reference grid (${diff}); align it with alignToReference first`,
    );
  }
}

/** Overlap and volume metrics of one structure (distances left null / NSD from status). */
export function overlapMetrics(
  label: number,
  name: string,
  c: LabelCounts,
  totalVoxels: number,
  voxelMm3: number,
  tolerancesMm: readonly number[],
): StructureMetrics {
  const { tp, fp, fn } = c;
  const tn = totalVoxels - tp - fp - fn;
  const status = statusOf(c.ref, c.pred);
  const both = status === 'both-empty';
  const volumeRefMl = (c.ref * voxelMm3) / 1000;
  const volumePredMl = (c.pred * voxelMm3) / 1000;
  const nsd: Record<string, number | null> = {};
  for (const t of tolerancesMm) nsd[toleranceKey(t)] = both ? 1 : status === 'ok' ? null : 0;
  return {
    label,
    name,
    status,
    tp,
    fp,
    fn,
    tn,
    dice: both ? 1 : (2 * tp) / (2 * tp + fp + fn),
    jaccard: both ? 1 : tp / (tp + fp + fn),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    specificity: ratio(tn, tn + fp),
    volumeRefMl,
    volumePredMl,
    volumeDiffMl: volumePredMl - volumeRefMl,
    volumeDiffPct: c.ref === 0 ? null : (100 * (c.pred - c.ref)) / c.ref,
    volumeSimilarity: volumeSimilarity(c.ref, c.pred),
    hd: both ? 0 : null,
    hd95: both ? 0 : null,
    assd: both ? 0 : null,
    // filled by applyCentroidOffset (needs the masks' moments)
    centroidOffsetMm: null,
    nsd,
    surfaceRefVoxels: 0,
    surfacePredVoxels: 0,
  };
}

/** Fills hd, hd95, assd and nsd of an `ok` structure from its two directed distance sets. */
export function applySurfaceDistances(
  m: StructureMetrics,
  refToPred: Float64Array,
  predToRef: Float64Array,
  tolerancesMm: readonly number[],
): void {
  const total = refToPred.length + predToRef.length;
  m.surfaceRefVoxels = refToPred.length;
  m.surfacePredVoxels = predToRef.length;
  let max = 0;
  let sum = 0;
  const within = new Float64Array(tolerancesMm.length);
  for (const set of [refToPred, predToRef]) {
    for (let i = 0; i < set.length; i++) {
      const d = set[i];
      if (d > max) max = d;
      sum += d;
      for (let t = 0; t < tolerancesMm.length; t++) {
        if (d <= tolerancesMm[t] + TOLERANCE_EPS_MM) within[t]++;
      }
    }
  }
  m.hd = max;
  m.assd = sum / total;
  tolerancesMm.forEach((t, i) => (m.nsd[toleranceKey(t)] = within[i] / total));
  // percentiles reorder the arrays, so they come last
  const p1 = percentileLinear(refToPred, 95) ?? 0;
  const p2 = percentileLinear(predToRef, 95) ?? 0;
  m.hd95 = Math.max(p1, p2);
}

/** Soft Dice and expected volume of a structure from its class probabilities. */
export function applyProbabilities(
  m: StructureMetrics,
  p: ArrayLike<number>,
  reference: Uint8Array | Uint16Array,
  voxelMm3: number,
): void {
  if (p.length !== reference.length) {
    throw new InvalidInputError(
      `probabilities of label ${m.label} hold ${p.length} voxels, the reference ${reference.length}`,
    );
  }
  let sumP = 0;
  let sumPA = 0;
  let nA = 0;
  const label = m.label;
  for (let o = 0; o < reference.length; o++) {
    const v = p[o];
    sumP += v;
    if (reference[o] === label) {
      sumPA += v;
      nA++;
    }
  }
  const den = sumP + nA;
  // both "volumes" zero: perfect agreement on absence, as Dice for both-empty
  m.softDice = den === 0 ? 1 : (2 * sumPA) / den;
  m.volumeSoftMl = (sumP * voxelMm3) / 1000;
}

/** Macro means over `ok` structures and pooled Dice over every evaluated structure. */
export function summarize(
  structures: readonly StructureMetrics[],
  tolerancesMm: readonly number[],
): MetricsSummary {
  const ok = structures.filter((s) => s.status === 'ok');
  const mean = (f: (s: StructureMetrics) => number | null): number | null => {
    if (ok.length === 0) return null;
    let sum = 0;
    for (const s of ok) {
      const v = f(s);
      if (v === null) return null;
      sum += v;
    }
    return sum / ok.length;
  };
  let num = 0;
  let den = 0;
  for (const s of structures) {
    num += 2 * s.tp;
    den += 2 * s.tp + s.fp + s.fn;
  }
  const meanNsd: Record<string, number | null> = {};
  for (const t of tolerancesMm) meanNsd[toleranceKey(t)] = mean((s) => s.nsd[toleranceKey(t)]);
  return {
    meanDice: mean((s) => s.dice),
    meanJaccard: mean((s) => s.jaccard),
    meanHd95: mean((s) => s.hd95),
    meanAssd: mean((s) => s.assd),
    meanNsd,
    pooledDice: ratio(num, den),
    structuresEvaluated: ok.length,
  };
}

export function validTolerances(t: readonly number[] | undefined): number[] {
  const tol = [...(t ?? DEFAULT_TOLERANCES_MM)];
  if (tol.length === 0 || tol.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new InvalidInputError(
      `tolerances must be non-negative numbers in mm (got ${tol.join(',')})`,
    );
  }
  return tol;
}

/**
 * Overlap and volume metrics only (one pass over both arrays): the per-structure fields with
 * distances null (NSD 1/0 by status). For the surface metrics use computeMetrics.
 */
export function computeOverlap(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: MetricsOptions = {},
): MetricsResult {
  assertComparable(reference, prediction);
  const tolerancesMm = validTolerances(options.tolerancesMm);
  const plan = planEvaluation(reference, prediction, options, false);
  // disagreement products need the surface pass: use computeMetrics or computeDisagreement
  return assemble(reference, plan, { ...options, disagreement: false }, tolerancesMm, null);
}

/**
 * Every metric of docs/metrics.md for each structure pair (docs/structures.md), in one pass over
 * both label arrays (one per pair of layers when structures overlap) plus, per structure with
 * both masks non-empty, a surface pass restricted to the union bounding box. `prediction` must
 * already be on the reference grid (see alignToReference in @concord/core).
 */
export function computeMetrics(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: MetricsOptions = {},
): MetricsResult {
  assertComparable(reference, prediction);
  const tolerancesMm = validTolerances(options.tolerancesMm);
  const plan = planEvaluation(reference, prediction, options, true);
  return assemble(reference, plan, options, tolerancesMm, new SurfaceWorkspace());
}

/**
 * computeMetrics without the disagreement products, and a function that computes them later
 * for the same structure pairs (the viewer shows the numbers first: the products cost as much
 * again on 116 structures, docs/performance.md). Same products as `disagreement: true`.
 */
export function computeMetricsThenDisagreement(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: MetricsOptions = {},
): { result: MetricsResult; disagreement: () => StructureDisagreement[] } {
  assertComparable(reference, prediction);
  const tolerancesMm = validTolerances(options.tolerancesMm);
  const plan = planEvaluation(reference, prediction, options, true);
  const ws = new SurfaceWorkspace();
  const result = assemble(reference, plan, { ...options, disagreement: false }, tolerancesMm, ws);
  return { result, disagreement: () => disagreementOfPlan(plan, reference, ws) };
}

/** Probabilities of a pair: those of its prediction structure (a model's class). */
export function pairProbabilities(
  probabilities: ProbabilityVolumes | undefined,
  s: PlannedStructure,
): ArrayLike<number> | undefined {
  const n = s.pair.prediction?.number;
  return n === undefined ? undefined : lookup(probabilities, n);
}

/** The result fields every engine entry returns besides the structures. */
export function resultFrame(
  reference: LabelVolume,
  plan: EvaluationPlan,
  tolerancesMm: number[],
  structures: StructureMetrics[],
): Omit<MetricsResult, 'disagreement'> {
  return {
    grid: gridOf(reference),
    definitions: { surface: '6-connected', percentile: 'linear', tolerancesMm },
    structures,
    summary: summarize(structures, tolerancesMm),
    confusion: plan.confusion,
    pairs: plan.pairs,
    warnings: plan.warnings,
    overlap: plan.overlap,
  };
}

function assemble(
  reference: LabelVolume,
  plan: EvaluationPlan,
  options: MetricsOptions,
  tolerancesMm: number[],
  ws: SurfaceWorkspace | null,
): MetricsResult {
  const total = voxelCount(reference);
  const v = voxelVolumeMm3(reference);
  const disagreement: StructureDisagreement[] | undefined = options.disagreement ? [] : undefined;
  const dims = reference.dims;
  const moments = new MomentsCache(dims);
  const structures = plan.structures.map((s) => {
    const l = s.label;
    const m = overlapMetrics(l, s.name, s.counts, total, v, tolerancesMm);
    applyCentroidOffset(m, s, reference, moments);
    applyLesions(m, s, reference, options.instances);
    if (ws && s.box && (m.status === 'ok' || disagreement)) {
      const bv = boxView(s.box);
      newWorkspaceFor(bv, ws);
      fillMasks(s.ref, s.pred, dims, l, bv, ws.flags);
      const nSurf = markSurfaces(bv, ws.flags);
      if (m.status === 'ok') {
        const d = surfaceDistances(bv, reference.spacing, nSurf, ws);
        applySurfaceDistances(m, d.refToPred, d.predToRef, tolerancesMm);
      }
      disagreement?.push(structureDisagreement(l, bv, dims, reference.spacing, ws, nSurf[0]));
    } else if (disagreement) {
      disagreement.push(emptyDisagreement(l, dims));
    }
    const p = pairProbabilities(options.probabilities as ProbabilityVolumes | undefined, s);
    if (p) applyProbabilities(m, p, s.ref, v);
    return m;
  });
  // calibration and surrogate losses need the union boxes: computeMetrics only
  const probabilistic =
    ws && options.probabilities
      ? probabilisticPass(
          plan.structures,
          structures,
          options.probabilities,
          dims,
          reference.spacing,
          options.probabilistic,
        )
      : undefined;
  const frame = resultFrame(reference, plan, tolerancesMm, structures);
  frame.warnings = [...frame.warnings, ...instanceWarnings(options.instances, structures)];
  return {
    ...frame,
    ...(disagreement ? { disagreement } : {}),
    ...(probabilistic ? { probabilistic } : {}),
  };
}
