/**
 * Calibration, uncertainty and surrogate losses of a model's class probabilities
 * (docs/calibration.md). Every number is taken over one evaluated region per structure: the
 * union bounding box of its reference and prediction masks grown by REGION_MARGIN_MM on every
 * side (clipped to the grid). Pure functions over typed arrays; the engine entries call them
 * (computeMetrics, the Node engine), so in the viewer they run in the analysis worker.
 */
import { InvalidInputError, type LabelArray } from '@concord/core';
import { squaredEdt } from './edt.ts';
import type { IndexBox } from './types.ts';

/** Equal-width bins of p_k in [0, 1] for ECE and the reliability diagram. */
export const CALIBRATION_BINS = 15;
/** Margin (mm) around the union box of reference and prediction: the evaluated region. */
export const REGION_MARGIN_MM = 5;
/** Bins of the entropy in bits, clipped at 1 (width 0.01), in the FP/FN histograms. */
export const ENTROPY_BINS = 100;
/** Default entropy (bits) at or above which a voxel is uncertain. */
export const DEFAULT_ENTROPY_THRESHOLD = 0.5;
/** Smoothing ε of the soft Dice, soft Jaccard and Tversky losses (numerator and denominator). */
export const LOSS_EPSILON = 1e-5;
/** Default Tversky weights: α on false positives, β on false negatives. */
export const DEFAULT_TVERSKY = { alpha: 0.3, beta: 0.7 } as const;
/** torch's binary_cross_entropy clamps each log at −100 (so p = 0 costs 100, not ∞). */
const LOG_CLAMP = -100;
/** Slack so that a float32 p exactly on a bin edge (q/255 = j/15) falls in the upper bin. */
const BIN_EDGE_SLACK = 1e-6;
/** Slack for the entropy bins (only float rounding: entropies are not quantised). */
const ENTROPY_EDGE_SLACK = 1e-9;

/** The surrogate losses, in the order the inspector lists them. */
export const LOSS_KEYS = [
  'softDiceLoss',
  'softJaccardLoss',
  'lovaszLoss',
  'ceLoss',
  'weightedCeLoss',
  'tverskyLoss',
  'regionLoss',
] as const;
export type LossKey = (typeof LOSS_KEYS)[number];

export interface ProbabilisticOptions {
  /** Tversky α (weight of false positives) and β (false negatives); default 0.3 / 0.7. */
  tversky?: { alpha: number; beta: number };
  /** Entropy threshold (bits) of "uncertain" (multiple of 0.01 in [0, 1]); default 0.5. */
  entropyThreshold?: number;
}

/** One bin of the reliability diagram. */
export interface ReliabilityBin {
  /** Voxels of the region whose p_k falls in the bin. */
  count: number;
  /** mean p_k of those voxels; null for an empty bin. */
  meanConfidence: number | null;
  /** mean [reference == k] of those voxels; null for an empty bin. */
  observedFrequency: number | null;
}

/** Scalar results of one structure (they go into its report row). */
export interface ProbabilisticScalars {
  ece: number | null;
  brier: number | null;
  uncertainFpShare: number | null;
  uncertainFnShare: number | null;
  softDiceLoss: number | null;
  softJaccardLoss: number | null;
  lovaszLoss: number | null;
  ceLoss: number | null;
  weightedCeLoss: number | null;
  tverskyLoss: number | null;
  regionLoss: number | null;
}

/** What a structure's reliability diagram and uncertainty view need. */
export interface StructureCalibration {
  label: number;
  /** The evaluated region (inclusive voxel indices) and its voxel count N. */
  region: IndexBox;
  regionVoxels: number;
  /** CALIBRATION_BINS bins over [0, 1]. */
  reliability: ReliabilityBin[];
  /** FP / FN voxels per entropy bin (bits clipped at 1; ENTROPY_BINS bins of width 0.01). */
  fpEntropyHistogram: number[];
  fnEntropyHistogram: number[];
  /** Σ p·g, Σ p and Σ g over the region: Tversky at any α, β (tverskyFromSums). */
  sums: SoftSums;
}

/** The soft overlap sums of a structure over its region. */
export interface SoftSums {
  pg: number;
  p: number;
  g: number;
}

/** Tversky loss 1 − (Σpg + ε)/(Σpg + α Σp(1−g) + β Σ(1−p)g + ε) from the region's sums. */
export function tverskyFromSums(s: SoftSums, alpha: number, beta: number): number {
  const eps = LOSS_EPSILON;
  return 1 - (s.pg + eps) / (s.pg + alpha * (s.p - s.pg) + beta * (s.g - s.pg) + eps);
}

/** Everything computed for one structure. */
export interface StructureProbabilistic {
  scalars: ProbabilisticScalars;
  calibration: StructureCalibration;
}

/** The evaluated region: the union box grown by ⌈REGION_MARGIN_MM / spacing⌉ voxels per axis. */
export function evaluationRegion(
  box: IndexBox,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): IndexBox {
  const min: [number, number, number] = [0, 0, 0];
  const max: [number, number, number] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const m = Math.ceil(REGION_MARGIN_MM / spacing[a] - 1e-9);
    min[a] = Math.max(0, box.min[a] - m);
    max[a] = Math.min(dims[a] - 1, box.max[a] + m);
  }
  return { min, max };
}

/** Calibration bin of p (edges j/15; p = 1 in the last bin). */
export function calibrationBin(p: number): number {
  const b = Math.floor(p * CALIBRATION_BINS + BIN_EDGE_SLACK);
  return b < 0 ? 0 : b >= CALIBRATION_BINS ? CALIBRATION_BINS - 1 : b;
}

/** Entropy bin of an entropy h in bits clipped at 1. */
export function entropyBin(h: number): number {
  const b = Math.floor(h * ENTROPY_BINS + ENTROPY_EDGE_SLACK);
  return b < 0 ? 0 : b >= ENTROPY_BINS ? ENTROPY_BINS - 1 : b;
}

/** The first entropy bin counted as uncertain for a threshold t (uncertain ⇔ h ≥ t). */
export function thresholdBin(threshold: number): number {
  return Math.min(ENTROPY_BINS, Math.max(0, Math.round(threshold * ENTROPY_BINS)));
}

/** Share of the histogram's voxels at or above `threshold`; null when it is empty. */
export function shareAbove(histogram: ArrayLike<number>, threshold: number): number | null {
  let all = 0;
  let above = 0;
  const from = thresholdBin(threshold);
  for (let i = 0; i < histogram.length; i++) {
    all += histogram[i];
    if (i >= from) above += histogram[i];
  }
  return all === 0 ? null : above / all;
}

/**
 * The class distribution of a voxel: the foreground p_k as given, and the background
 * p_0 = max(0, 1 − Σ p_k) (quantised probabilities need not sum to 1; docs/calibration.md).
 */
export function backgroundProbability(classes: readonly ArrayLike<number>[], o: number): number {
  let s = 0;
  for (const a of classes) s += a[o];
  return s < 1 ? 1 - s : 0;
}

/**
 * Entropy of the voxel's class distribution in bits, −Σ p_c log2 p_c, clipped at 1 bit (a tie
 * between two classes): the uncertainty measure of the histograms, the threshold and the
 * overlay, the same for any number of classes (docs/calibration.md).
 */
export function normalisedEntropy(classes: readonly ArrayLike<number>[], o: number): number {
  let s = 0;
  let h = 0;
  for (const a of classes) {
    const p = a[o];
    s += p;
    if (p > 0) h -= p * Math.log(p);
  }
  const p0 = s < 1 ? 1 - s : 0;
  if (p0 > 0) h -= p0 * Math.log(p0);
  const bits = h / Math.LN2;
  return bits > 1 ? 1 : bits;
}

/** 1 − max_c p_c over the class distribution (in [0, 1 − 1/C]). */
export function normalisedMargin(classes: readonly ArrayLike<number>[], o: number): number {
  let s = 0;
  let max = 0;
  for (const a of classes) {
    const p = a[o];
    s += p;
    if (p > max) max = p;
  }
  const p0 = s < 1 ? 1 - s : 0;
  if (p0 > max) max = p0;
  return 1 - max;
}

/**
 * Lovász extension of the Jaccard loss at the errors e = |g − p| (Berman et al. 2018,
 * lovasz_softmax_flat for one class): errors sorted in decreasing order, weighted by the
 * increments of 1 − J along that order. Tied errors telescope, so the value does not depend on
 * how ties are ordered. `errorsPos` / `errorsNeg` hold the errors of voxels with g = 1 / g = 0.
 */
export function lovaszLoss(errorsPos: Float64Array, errorsNeg: Float64Array): number {
  errorsPos.sort();
  errorsNeg.sort();
  const gts = errorsPos.length;
  let i = errorsPos.length - 1;
  let j = errorsNeg.length - 1;
  let cumPos = 0;
  let cumNeg = 0;
  let prevJ = 0;
  let loss = 0;
  while (i >= 0 || j >= 0) {
    const e = Math.max(i >= 0 ? errorsPos[i] : -Infinity, j >= 0 ? errorsNeg[j] : -Infinity);
    while (i >= 0 && errorsPos[i] === e) {
      cumPos++;
      i--;
    }
    while (j >= 0 && errorsNeg[j] === e) {
      cumNeg++;
      j--;
    }
    const jac = 1 - (gts - cumPos) / (gts + cumNeg);
    loss += e * (jac - prevJ);
    prevJ = jac;
  }
  return loss;
}

const nullScalars = (): ProbabilisticScalars => ({
  ece: null,
  brier: null,
  uncertainFpShare: null,
  uncertainFnShare: null,
  softDiceLoss: null,
  softJaccardLoss: null,
  lovaszLoss: null,
  ceLoss: null,
  weightedCeLoss: null,
  tverskyLoss: null,
  regionLoss: null,
});

export interface StructureInput {
  label: number;
  /** union box of the two masks; absent when both are empty */
  box?: IndexBox;
  /** reference / prediction layers holding `label` */
  ref: LabelArray;
  pred: LabelArray;
  /** p_k of the structure (the prediction structure's class) */
  p: ArrayLike<number>;
}

/**
 * Calibration, uncertainty and losses of one structure over its evaluated region
 * (docs/calibration.md). `classes` are every foreground class's probabilities (for the entropy).
 */
export function structureProbabilistic(
  s: StructureInput,
  classes: readonly ArrayLike<number>[],
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  options: ProbabilisticOptions = {},
): StructureProbabilistic {
  const { alpha, beta } = options.tversky ?? DEFAULT_TVERSKY;
  const threshold = options.entropyThreshold ?? DEFAULT_ENTROPY_THRESHOLD;
  const binCount = new Float64Array(CALIBRATION_BINS);
  const binP = new Float64Array(CALIBRATION_BINS);
  const binG = new Float64Array(CALIBRATION_BINS);
  const fpHist = new Array<number>(ENTROPY_BINS).fill(0);
  const fnHist = new Array<number>(ENTROPY_BINS).fill(0);
  const emptyRegion: IndexBox = { min: [0, 0, 0], max: [-1, -1, -1] };
  const sums: SoftSums = { pg: 0, p: 0, g: 0 };
  const calibrationOf = (region: IndexBox, n: number): StructureCalibration => ({
    label: s.label,
    region,
    regionVoxels: n,
    reliability: Array.from(binCount, (c, b) => ({
      count: c,
      meanConfidence: c ? binP[b] / c : null,
      observedFrequency: c ? binG[b] / c : null,
    })),
    fpEntropyHistogram: fpHist,
    fnEntropyHistogram: fnHist,
    sums,
  });
  if (!s.box) return { scalars: nullScalars(), calibration: calibrationOf(emptyRegion, 0) };

  const region = evaluationRegion(s.box, dims, spacing);
  const rd: [number, number, number] = [
    region.max[0] - region.min[0] + 1,
    region.max[1] - region.min[1] + 1,
    region.max[2] - region.min[2] + 1,
  ];
  const n = rd[0] * rd[1] * rd[2];
  const [nx, ny] = dims;
  const { label, ref, pred, p } = s;
  // region-local masks: g (reference) and the background of g (EDT features)
  const g = new Uint8Array(n);
  const pr = new Float64Array(n);
  let nPos = 0;
  let sumP = 0;
  let sumPG = 0;
  let brier = 0;
  let ce = 0;
  let ceNeg = 0;
  let o = 0;
  for (let k = 0; k < rd[2]; k++) {
    for (let j = 0; j < rd[1]; j++) {
      let src = region.min[0] + (region.min[1] + j) * nx + (region.min[2] + k) * nx * ny;
      for (let i = 0; i < rd[0]; i++, o++, src++) {
        const pv = p[src];
        const inA = ref[src] === label;
        const inB = pred[src] === label;
        pr[o] = pv;
        const b = calibrationBin(pv);
        binCount[b]++;
        binP[b] += pv;
        sumP += pv;
        if (inA) {
          g[o] = 1;
          nPos++;
          binG[b]++;
          sumPG += pv;
          brier += (pv - 1) * (pv - 1);
          ce -= Math.max(Math.log(pv), LOG_CLAMP);
        } else {
          brier += pv * pv;
          const l = -Math.max(Math.log(1 - pv), LOG_CLAMP);
          ce += l;
          ceNeg += l;
        }
        if (inA !== inB) {
          const h = entropyBin(normalisedEntropy(classes, src));
          (inB ? fpHist : fnHist)[h]++;
        }
      }
    }
  }
  let ece = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    if (binCount[b]) ece += Math.abs(binG[b] - binP[b]) / n;
  }
  const nNeg = n - nPos;
  // inverse-frequency weights w_c = N / (2 n_c), weighted mean Σ w ℓ / Σ w (as torch's weighted
  // cross-entropy); with one class absent it is the plain mean
  let weightedCe: number;
  if (nPos === 0 || nNeg === 0) weightedCe = ce / n;
  else {
    const wPos = n / (2 * nPos);
    const wNeg = n / (2 * nNeg);
    weightedCe = (wPos * (ce - ceNeg) + wNeg * ceNeg) / (wPos * nPos + wNeg * nNeg);
  }
  sums.pg = sumPG;
  sums.p = sumP;
  sums.g = nPos;
  const eps = LOSS_EPSILON;

  // Lovász: errors by class of g
  const errPos = new Float64Array(nPos);
  const errNeg = new Float64Array(nNeg);
  let ip = 0;
  let ineg = 0;
  for (let v = 0; v < n; v++) {
    if (g[v]) errPos[ip++] = 1 - pr[v];
    else errNeg[ineg++] = pr[v];
  }

  // rectified region-wise map: inside −EDT/max EDT (EDT to the nearest voxel outside the
  // reference), outside 1; loss = mean z·p
  let regionLoss = 0;
  if (nPos === 0) regionLoss = sumP / n;
  else {
    const d2 = squaredEdt(invert(g), 1, rd, spacing, new Float32Array(n));
    let maxD = 0;
    for (let v = 0; v < n; v++) if (g[v] && d2[v] > maxD) maxD = d2[v];
    const maxEdt = Math.sqrt(maxD);
    let sum = 0;
    for (let v = 0; v < n; v++) {
      sum += g[v]
        ? (maxEdt > 0 && Number.isFinite(maxEdt) ? -Math.sqrt(d2[v]) / maxEdt : -1) * pr[v]
        : pr[v];
    }
    regionLoss = sum / n;
  }

  return {
    scalars: {
      ece,
      brier: brier / n,
      uncertainFpShare: shareAbove(fpHist, threshold),
      uncertainFnShare: shareAbove(fnHist, threshold),
      softDiceLoss: 1 - (2 * sumPG + eps) / (sumP + nPos + eps),
      softJaccardLoss: 1 - (sumPG + eps) / (sumP + nPos - sumPG + eps),
      lovaszLoss: lovaszLoss(errPos, errNeg),
      ceLoss: ce / n,
      weightedCeLoss: weightedCe,
      tverskyLoss: tverskyFromSums(sums, alpha, beta),
      regionLoss,
    },
    calibration: calibrationOf(region, n),
  };
}

function invert(g: Uint8Array): Uint8Array {
  const out = new Uint8Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = g[i] ? 0 : 1;
  return out;
}

/** Ranking keys: Dice (higher is better) and every surrogate loss (lower is better). */
export const RANKING_KEYS = ['dice', ...LOSS_KEYS] as const;
export type RankingKey = (typeof RANKING_KEYS)[number];

/**
 * Structures best-first by Dice (descending) and by each loss (ascending); ties by label.
 * Structures without a value (no probabilities, both empty) are left out.
 */
export function surrogateRankings(
  rows: readonly ({ label: number; dice: number } & Partial<Record<LossKey, number | null>>)[],
): Record<RankingKey, number[]> {
  const out = {} as Record<RankingKey, number[]>;
  const scored = rows.filter((r) => r.softDiceLoss !== undefined && r.softDiceLoss !== null);
  for (const key of RANKING_KEYS) {
    const sign = key === 'dice' ? -1 : 1;
    out[key] = scored
      .filter((r) => r[key] !== null && r[key] !== undefined)
      .sort((a, b) => sign * ((a[key] as number) - (b[key] as number)) || a.label - b.label)
      .map((r) => r.label);
  }
  return out;
}

/** What the uncertainty overlay shows per voxel. */
export type UncertaintyMeasure = 'entropy' | 'margin';
/** Levels of the overlay: label L holds values in [L/10, (L+1)/10); [0, 0.1) stays clear. */
export const UNCERTAINTY_LEVELS = 10;

/**
 * The uncertainty overlay as a labelmap over the whole grid: the entropy in bits clipped at 1
 * (or 1 − max p) quantised to UNCERTAINTY_LEVELS levels; level 0 is not drawn.
 */
export function uncertaintyLabelmap(
  classes: readonly ArrayLike<number>[],
  voxels: number,
  measure: UncertaintyMeasure,
): Uint8Array {
  const out = new Uint8Array(voxels);
  const f = measure === 'entropy' ? normalisedEntropy : normalisedMargin;
  for (let o = 0; o < voxels; o++) {
    const u = f(classes, o);
    const l = Math.floor(u * UNCERTAINTY_LEVELS + ENTROPY_EDGE_SLACK);
    out[o] = l >= UNCERTAINTY_LEVELS ? UNCERTAINTY_LEVELS - 1 : l;
  }
  return out;
}

/** The definitions a probabilistic result was computed with (they go into the report). */
export interface ProbabilisticDefinitions {
  bins: number;
  regionMarginMm: number;
  entropyBins: number;
  entropyThreshold: number;
  lossEpsilon: number;
  tverskyAlpha: number;
  tverskyBeta: number;
  /** C: the foreground classes with probabilities + the background. */
  classes: number;
}

/** The result's `probabilistic` part: per structure the diagram data, and the rankings. */
export interface ProbabilisticResult {
  definitions: ProbabilisticDefinitions;
  /** Structures with probabilities, in the order of the result's structures. */
  structures: StructureCalibration[];
  rankings: Record<RankingKey, number[]>;
}

/** A structure of the evaluation plan, as far as the probabilistic pass needs it. */
export interface PlannedForProbabilities {
  label: number;
  box?: IndexBox;
  ref: LabelArray;
  pred: LabelArray;
  pair: { prediction: { number: number } | null };
}

type ProbabilityMap =
  ReadonlyMap<number, ArrayLike<number>> | Readonly<Record<number, ArrayLike<number>>>;

function probabilityEntries(m: ProbabilityMap): [number, ArrayLike<number>][] {
  const entries: [number, ArrayLike<number>][] =
    m instanceof Map
      ? [...(m as ReadonlyMap<number, ArrayLike<number>>)]
      : Object.entries(m).map(([k, v]) => [Number(k), v as ArrayLike<number>]);
  return entries.sort((a, b) => a[0] - b[0]);
}

/**
 * Runs structureProbabilistic on every planned structure whose prediction side has
 * probabilities, writes the scalars into its row, and returns the diagram data and rankings.
 * The background's probabilities, when given (label 0), are ignored: p_0 is always derived
 * from the foreground classes, so the viewer (foreground only) and the CLI agree.
 */
export function probabilisticPass<
  Row extends { label: number; dice: number } & Partial<ProbabilisticScalars>,
>(
  planned: readonly PlannedForProbabilities[],
  rows: Row[],
  probabilities: ProbabilityMap,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  options: ProbabilisticOptions = {},
): ProbabilisticResult {
  const entries = probabilityEntries(probabilities).filter(([l]) => l > 0);
  const byLabel = new Map(entries);
  const classes = entries.map(([, a]) => a);
  const voxels = dims[0] * dims[1] * dims[2];
  for (const [l, a] of entries) {
    if (a.length !== voxels)
      throw new InvalidInputError(
        `probabilities of label ${l} hold ${a.length} voxels, the reference grid ${voxels}`,
      );
  }
  validateProbabilisticOptions(options);
  const structures: StructureCalibration[] = [];
  planned.forEach((s, i) => {
    const n = s.pair.prediction?.number;
    const p = n === undefined ? undefined : byLabel.get(n);
    if (!p) return;
    const r = structureProbabilistic({ ...s, p }, classes, dims, spacing, options);
    Object.assign(rows[i], r.scalars);
    structures.push(r.calibration);
  });
  const tv = options.tversky ?? DEFAULT_TVERSKY;
  return {
    definitions: {
      bins: CALIBRATION_BINS,
      regionMarginMm: REGION_MARGIN_MM,
      entropyBins: ENTROPY_BINS,
      entropyThreshold: options.entropyThreshold ?? DEFAULT_ENTROPY_THRESHOLD,
      lossEpsilon: LOSS_EPSILON,
      tverskyAlpha: tv.alpha,
      tverskyBeta: tv.beta,
      classes: classes.length + 1,
    },
    structures,
    rankings: surrogateRankings(rows),
  };
}

/** One-line errors for Tversky weights and the entropy threshold out of range. */
export function validateProbabilisticOptions(o: ProbabilisticOptions): void {
  if (o.tversky) {
    const { alpha, beta } = o.tversky;
    if (![alpha, beta].every((x) => Number.isFinite(x) && x >= 0) || alpha + beta === 0)
      throw new InvalidInputError(
        `Tversky alpha and beta must be non-negative numbers, not both 0 (got ${alpha}, ${beta})`,
      );
  }
  const t = o.entropyThreshold;
  if (t !== undefined && !(Number.isFinite(t) && t >= 0 && t <= 1))
    throw new InvalidInputError(`the entropy threshold must lie in [0, 1] (got ${t})`);
}

/**
 * Colours of the uncertainty overlay's levels 1..9 (cividis from dark blue to olive, cut before
 * its yellow end, which is close to Okabe–Ito yellow): low to high uncertainty.
 */
const UNCERTAINTY_RAMP: readonly [number, number, number][] = [
  [0, 38, 84],
  [35, 62, 108],
  [72, 82, 108],
  [101, 104, 112],
  [126, 124, 120],
  [153, 148, 119],
  [181, 172, 111],
  [207, 193, 97],
  [229, 211, 80],
];

/** Label table of the uncertainty overlay: level L covers [L/10, (L+1)/10) of the measure. */
export function uncertaintyLegend(
  measure: UncertaintyMeasure,
): { label: number; name: string; color: [number, number, number] }[] {
  const what = measure === 'entropy' ? 'entropy (bits)' : '1 − max p';
  return UNCERTAINTY_RAMP.map((color, i) => {
    const l = i + 1;
    const hi = l === UNCERTAINTY_LEVELS - 1 ? '1.0]' : `${((l + 1) / 10).toFixed(1)})`;
    return { label: l, name: `${what} [${(l / 10).toFixed(1)}, ${hi}`, color: [...color] };
  });
}

/**
 * Kendall's τ-a between two rankings of the same labels (best-first lists): 1 when they
 * agree, −1 when reversed; null when fewer than two labels are shared.
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number | null {
  const shared = a.filter((l) => b.includes(l));
  const n = shared.length;
  if (n < 2) return null;
  const pos = new Map(b.map((l, i) => [l, i]));
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) s += Math.sign(pos.get(shared[j])! - pos.get(shared[i])!);
  return s / ((n * (n - 1)) / 2);
}
