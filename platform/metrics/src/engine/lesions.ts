/**
 * Lesion-wise (instance) evaluation of one structure (docs/metrics.md#lesion-wise-evaluation):
 * connected components of the reference and the prediction, one-to-one matching, detection
 * counts, panoptic quality (Kirillov et al. 2019) and one row per lesion.
 */
import { InvalidInputError, type Grid, type LabelArray } from '@concord/core';
import {
  componentIntersections,
  connectedComponents,
  type Components,
  type Connectivity,
} from './components.ts';
import { indexToWorld } from './shape.ts';
import type { IndexBox } from './types.ts';

export const LESION_MATCH_MODES = ['iou', 'overlap'] as const;
export type LesionMatchMode = (typeof LESION_MATCH_MODES)[number];

/** Which structures are evaluated as instances, and how. */
export interface InstanceOptions {
  /** Structure labels (pair labels) to evaluate lesion-wise. */
  labels: readonly number[];
  /** Neighbourhood of a component: 26 (faces, edges, corners; default) or 6 (faces). */
  connectivity?: Connectivity;
  /** `iou`: pairs with IoU > iouThreshold (default); `overlap`: any shared voxel. */
  match?: LesionMatchMode;
  /** IoU a pair must exceed in `iou` mode (default 0.5, which makes matches unique). */
  iouThreshold?: number;
}

export const DEFAULT_IOU_THRESHOLD = 0.5;

/** One reference or predicted lesion, or a matched pair of them. */
export interface LesionRow {
  /** matched: a TP pair; missed: a reference lesion without partner (FN); false: a predicted one (FP). */
  kind: 'matched' | 'missed' | 'false';
  /** Component number on each side (1-based, raster order of first voxel); null if none. */
  reference: number | null;
  prediction: number | null;
  referenceVoxels: number;
  predictionVoxels: number;
  referenceMl: number;
  predictionMl: number;
  /** IoU and Dice of a matched pair; null otherwise. */
  iou: number | null;
  dice: number | null;
  /** Unmatched lesions: the highest IoU with any lesion of the other side (0: no overlap); null for pairs. */
  bestIou: number | null;
  /** Centre of mass (of the reference lesion, or the predicted one for a false lesion), voxel indices. */
  centroidIndex: [number, number, number];
  /** The same point in patient coordinates (LPS, mm). */
  centroidMm: [number, number, number];
  /** round(centroid k): the stack slice through the lesion (a component spans every slice between its ends). */
  slice: number;
}

/** `lesions` of a structure row in concord.report/v1. */
export interface StructureLesions {
  connectivity: Connectivity;
  match: LesionMatchMode;
  /** The IoU threshold in `iou` mode; null in `overlap` mode. */
  iouThreshold: number | null;
  referenceLesions: number;
  predictionLesions: number;
  tp: number;
  fp: number;
  fn: number;
  /** TP / (TP + FP); null when no lesion was predicted. */
  precision: number | null;
  /** TP / (TP + FN); null when the reference has no lesion. */
  recall: number | null;
  /** 2TP / (2TP + FP + FN) (= RQ); null when neither side has a lesion. */
  f1: number | null;
  /** Segmentation quality: mean IoU of the matched pairs; null when TP = 0. */
  sq: number | null;
  /** Recognition quality TP / (TP + FP/2 + FN/2); null when neither side has a lesion. */
  rq: number | null;
  /** Panoptic quality Σ IoU / (TP + FP/2 + FN/2) = SQ × RQ (0 when TP = 0 < FP + FN); null when neither side has a lesion. */
  pq: number | null;
  /** Matched pairs, then missed, then false lesions, each by component number. */
  lesions: LesionRow[];
}

export function validInstanceOptions(o: InstanceOptions): Required<InstanceOptions> {
  const connectivity = o.connectivity ?? 26;
  if (connectivity !== 6 && connectivity !== 26)
    throw new InvalidInputError(`connectivity must be 6 or 26 (got ${String(connectivity)})`);
  const match = o.match ?? 'iou';
  if (!LESION_MATCH_MODES.includes(match))
    throw new InvalidInputError(`lesion matching must be iou or overlap (got ${String(match)})`);
  const iouThreshold = o.iouThreshold ?? DEFAULT_IOU_THRESHOLD;
  if (!(iouThreshold >= 0 && iouThreshold < 1))
    throw new InvalidInputError(`the IoU threshold must be in [0, 1) (got ${iouThreshold})`);
  for (const l of o.labels) {
    if (!Number.isInteger(l) || l < 1 || l > 65535)
      throw new InvalidInputError(`instance label ${l} is not an integer 1-65535`);
  }
  return { labels: o.labels, connectivity, match, iouThreshold };
}

interface Candidate {
  r: number;
  p: number;
  inter: number;
  iou: number;
}

/**
 * One-to-one matching: candidates are the pairs with IoU > threshold (`iou`) or any shared
 * voxel (`overlap`); greedily, by highest IoU, then lowest reference number, then lowest
 * predicted number, a candidate is taken when both its components are still free. With a
 * threshold ≥ 0.5 no component has two candidates, so the greedy order changes nothing.
 */
export function matchComponents(
  a: Components,
  b: Components,
  mode: LesionMatchMode,
  iouThreshold: number,
): { pairs: Candidate[]; bestIouRef: Float64Array; bestIouPred: Float64Array } {
  const stride = b.n + 1;
  const candidates: Candidate[] = [];
  const bestIouRef = new Float64Array(a.n + 1);
  const bestIouPred = new Float64Array(b.n + 1);
  for (const [key, inter] of componentIntersections(a, b)) {
    const r = Math.floor(key / stride);
    const p = key % stride;
    const iou = inter / (a.voxels[r] + b.voxels[p] - inter);
    if (iou > bestIouRef[r]) bestIouRef[r] = iou;
    if (iou > bestIouPred[p]) bestIouPred[p] = iou;
    if (mode === 'overlap' || iou > iouThreshold) candidates.push({ r, p, inter, iou });
  }
  candidates.sort((x, y) => y.iou - x.iou || x.r - y.r || x.p - y.p);
  const usedR = new Uint8Array(a.n + 1);
  const usedP = new Uint8Array(b.n + 1);
  const pairs: Candidate[] = [];
  for (const c of candidates) {
    if (usedR[c.r] || usedP[c.p]) continue;
    usedR[c.r] = 1;
    usedP[c.p] = 1;
    pairs.push(c);
  }
  pairs.sort((x, y) => x.r - y.r);
  return { pairs, bestIouRef, bestIouPred };
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

/**
 * Lesion-wise evaluation of structure `label`: reference mask {refLayer == label}, predicted
 * mask {predLayer == label}, both inside `box` (the union box of the two masks; null when both
 * are empty).
 */
export function evaluateLesions(
  refLayer: LabelArray,
  predLayer: LabelArray,
  label: number,
  grid: Grid,
  box: IndexBox | null | undefined,
  options: Required<Omit<InstanceOptions, 'labels'>>,
): StructureLesions {
  const { connectivity, match, iouThreshold } = options;
  const voxelMl = (grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;
  const empty: Components = {
    n: 0,
    runStart: new Int32Array(0),
    runEnd: new Int32Array(0),
    runComponent: new Int32Array(0),
    rowRuns: new Int32Array(1),
    voxels: new Float64Array(1),
    sumI: new Float64Array(1),
    sumJ: new Float64Array(1),
    sumK: new Float64Array(1),
  };
  const a = box ? connectedComponents(refLayer, grid.dims, label, box, connectivity) : empty;
  const b = box ? connectedComponents(predLayer, grid.dims, label, box, connectivity) : empty;
  const { pairs, bestIouRef, bestIouPred } = matchComponents(a, b, match, iouThreshold);

  const centre = (c: Components, x: number) => {
    const n = c.voxels[x];
    const ijk: [number, number, number] = [c.sumI[x] / n, c.sumJ[x] / n, c.sumK[x] / n];
    return {
      centroidIndex: ijk,
      centroidMm: indexToWorld(grid, ijk) as [number, number, number],
      slice: Math.round(ijk[2]),
    };
  };
  const lesions: LesionRow[] = [];
  const matchedR = new Uint8Array(a.n + 1);
  const matchedP = new Uint8Array(b.n + 1);
  let sumIou = 0;
  for (const c of pairs) {
    matchedR[c.r] = 1;
    matchedP[c.p] = 1;
    sumIou += c.iou;
    const ra = a.voxels[c.r];
    const pb = b.voxels[c.p];
    lesions.push({
      kind: 'matched',
      reference: c.r,
      prediction: c.p,
      referenceVoxels: ra,
      predictionVoxels: pb,
      referenceMl: ra * voxelMl,
      predictionMl: pb * voxelMl,
      iou: c.iou,
      dice: (2 * c.inter) / (ra + pb),
      bestIou: null,
      ...centre(a, c.r),
    });
  }
  for (let r = 1; r <= a.n; r++) {
    if (matchedR[r]) continue;
    lesions.push({
      kind: 'missed',
      reference: r,
      prediction: null,
      referenceVoxels: a.voxels[r],
      predictionVoxels: 0,
      referenceMl: a.voxels[r] * voxelMl,
      predictionMl: 0,
      iou: null,
      dice: null,
      bestIou: bestIouRef[r],
      ...centre(a, r),
    });
  }
  for (let p = 1; p <= b.n; p++) {
    if (matchedP[p]) continue;
    lesions.push({
      kind: 'false',
      reference: null,
      prediction: p,
      referenceVoxels: 0,
      predictionVoxels: b.voxels[p],
      referenceMl: 0,
      predictionMl: b.voxels[p] * voxelMl,
      iou: null,
      dice: null,
      bestIou: bestIouPred[p],
      ...centre(b, p),
    });
  }
  const tp = pairs.length;
  const fn = a.n - tp;
  const fp = b.n - tp;
  const rqDen = tp + fp / 2 + fn / 2;
  return {
    connectivity,
    match,
    iouThreshold: match === 'iou' ? iouThreshold : null,
    referenceLesions: a.n,
    predictionLesions: b.n,
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    sq: ratio(sumIou, tp),
    rq: ratio(tp, rqDen),
    pq: ratio(sumIou, rqDen),
    lesions,
  };
}
