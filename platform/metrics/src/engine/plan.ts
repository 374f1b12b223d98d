import { InvalidInputError, labelLayers, type LabelArray, type LabelVolume } from '@concord/core';
import {
  confusionMatrix,
  countJoint,
  labelCounts,
  type JointCounts,
  type LabelCounts,
} from './confusion.ts';
import {
  isIdentityPairing,
  pairStructures,
  structureEntries,
  type ManualPair,
  type MatchMode,
  type StructurePair,
} from './pairing.ts';
import type { ConfusionMatrix, IndexBox, LabelNames } from './types.ts';

/** One structure to evaluate: its pair, its counts and the layers that hold its two masks. */
export interface PlannedStructure {
  label: number;
  name: string;
  pair: StructurePair;
  counts: LabelCounts;
  /** union box of the two masks (when boxes were asked for and either mask is non-empty) */
  box?: IndexBox;
  /** reference layer holding `label` (after relabelling to pair labels) */
  ref: LabelArray;
  /** prediction layer holding `label` */
  pred: LabelArray;
}

/** What the metric passes need, after pairing (docs/structures.md). */
export interface EvaluationPlan {
  structures: PlannedStructure[];
  /** every pair, including those left out by `labels` */
  pairs: StructurePair[];
  warnings: string[];
  confusion: ConfusionMatrix;
  /** whether either input has structures on more than one layer */
  overlap: { reference: boolean; prediction: boolean };
}

export interface PlanOptions {
  labels?: readonly number[];
  labelNames?: LabelNames;
  match?: MatchMode;
  pairs?: readonly ManualPair[];
}

const ZERO: LabelCounts = { tp: 0, fp: 0, fn: 0, ref: 0, pred: 0 };

/** Labels present in a layer (non-zero values), in one pass. */
export function presentLabels(layer: LabelArray): number[] {
  const seen = new Uint8Array(layer instanceof Uint16Array ? 65536 : 256);
  for (let o = 0; o < layer.length; o++) seen[layer[o]] = 1;
  const out: number[] = [];
  for (let l = 1; l < seen.length; l++) if (seen[l]) out.push(l);
  return out;
}

/** Relabels a layer through a lookup table (number -> pair label). */
function relabel(layer: LabelArray, lut: Uint32Array, wide: boolean): LabelArray {
  const out = wide ? new Uint16Array(layer.length) : new Uint8Array(layer.length);
  for (let o = 0; o < layer.length; o++) out[o] = lut[layer[o]];
  return out;
}

function lutOf(pairs: readonly StructurePair[], side: 'reference' | 'prediction'): Uint32Array {
  const lut = new Uint32Array(65536);
  for (const p of pairs) {
    const e = p[side];
    if (e) lut[e.number] = p.label;
  }
  return lut;
}

/**
 * Pairs the structures of both inputs and counts every pair: one joint pass over the two
 * label arrays when both inputs are exclusive and numbered alike (the fast path of before), a
 * pass per pair of layers when structures overlap, and a relabelling pass when pairing
 * renumbers. `prediction` must be on the reference grid.
 */
export function planEvaluation(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: PlanOptions,
  boxes: boolean,
): EvaluationPlan {
  const refLayers = labelLayers(reference);
  const predLayers = labelLayers(prediction);
  const exclusive = refLayers.length === 1 && predLayers.length === 1;
  const dims = reference.dims;

  let joint0: JointCounts | undefined;
  let refPresent: number[];
  let predPresent: number[];
  if (exclusive) {
    joint0 = countJoint(reference.data, prediction.data, dims, { boxes });
    const c = labelCounts(joint0);
    refPresent = [...c].filter(([l, x]) => l !== 0 && x.ref > 0).map(([l]) => l);
    predPresent = [...c].filter(([l, x]) => l !== 0 && x.pred > 0).map(([l]) => l);
  } else {
    refPresent = refLayers.flatMap(presentLabels);
    predPresent = predLayers.flatMap(presentLabels);
  }
  const { pairs, warnings } = pairStructures(
    structureEntries(reference, refPresent, options.labelNames),
    structureEntries(prediction, predPresent, options.labelNames),
    options.match ?? 'auto',
    options.pairs,
  );

  // pair labels on both sides: the arrays as they are, or relabelled
  let refL = refLayers;
  let predL = predLayers;
  if (!isIdentityPairing(pairs)) {
    const wide = pairs.some((p) => p.label > 255);
    const rl = lutOf(pairs, 'reference');
    const pl = lutOf(pairs, 'prediction');
    refL = refLayers.map((l) => relabel(l, rl, wide));
    predL = predLayers.map((l) => relabel(l, pl, wide));
    joint0 = undefined;
  }

  // joint counts of every (reference layer, prediction layer) combination
  const joints: JointCounts[][] = refL.map((r, a) =>
    predL.map((p, b) =>
      a === 0 && b === 0 && joint0 ? joint0 : countJoint(r, p, dims, { boxes }),
    ),
  );
  const countsCache = new Map<JointCounts, Map<number, LabelCounts>>();
  const countsOf = (j: JointCounts): Map<number, LabelCounts> => {
    let c = countsCache.get(j);
    if (!c) countsCache.set(j, (c = labelCounts(j)));
    return c;
  };

  let chosen = pairs;
  if (options.labels) {
    validLabels(options.labels);
    const byLabel = new Map(pairs.map((p) => [p.label, p]));
    chosen = [...new Set(options.labels)]
      .sort((a, b) => a - b)
      .map(
        (l) =>
          byLabel.get(l) ?? {
            label: l,
            name: nameFor(options.labelNames, l),
            reference: null,
            prediction: null,
            matchedBy: null,
          },
      );
  }
  const structures = chosen.map((pair): PlannedStructure => {
    const a = pair.reference?.layer ?? 0;
    const b = pair.prediction?.layer ?? 0;
    const j = joints[a][b];
    return {
      label: pair.label,
      name: pair.name,
      pair,
      counts: countsOf(j).get(pair.label) ?? ZERO,
      box: j.boxes?.get(pair.label),
      ref: refL[a],
      pred: predL[b],
    };
  });
  return {
    structures,
    pairs,
    warnings,
    confusion: exclusive ? confusionMatrix(joints[0][0]) : overlapConfusion(refL, predL, joints),
    overlap: { reference: refLayers.length > 1, prediction: predLayers.length > 1 },
  };
}

function validLabels(labels: readonly number[]): void {
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 1 || l > 65535)
      throw new InvalidInputError(`label ${l} is not an integer 1-65535`);
  }
}

function nameFor(names: LabelNames | undefined, l: number): string {
  const n =
    names instanceof Map ? names.get(l) : (names as Record<number, string> | undefined)?.[l];
  return n ?? `Label ${l}`;
}

/** 1 where any layer holds a structure. */
function coverage(layers: readonly LabelArray[]): Uint8Array {
  const out = new Uint8Array(layers[0].length);
  for (const l of layers) for (let o = 0; o < l.length; o++) if (l[o] !== 0) out[o] = 1;
  return out;
}

/**
 * Confusion matrix when structures overlap (docs/structures.md): counts[r][p] (r, p > 0) = voxels
 * in reference structure r and prediction structure p — a voxel in several structures counts
 * in every cell it belongs to; row 0 / column 0 = voxels in no structure of that input.
 */
function overlapConfusion(
  refL: readonly LabelArray[],
  predL: readonly LabelArray[],
  joints: JointCounts[][],
): ConfusionMatrix {
  const cells = new Map<number, number>();
  const add = (r: number, p: number, c: number): void => {
    if (c > 0) cells.set(r * 65536 + p, (cells.get(r * 65536 + p) ?? 0) + c);
  };
  // structure x structure: each (r, p) voxel is seen once, in the joint of r's and p's layers
  for (const row of joints) {
    for (const j of row) {
      j.diag.forEach((c, l) => l !== 0 && add(l, l, c));
      for (const [key, c] of j.off) {
        const r = Math.floor(key / 65536);
        const p = key % 65536;
        if (r !== 0 && p !== 0) add(r, p, c);
      }
    }
  }
  // structure x nothing, nothing x structure, nothing x nothing
  const refCover = coverage(refL);
  const predCover = coverage(predL);
  const dims: [number, number, number] = [refCover.length, 1, 1];
  for (const l of refL) {
    for (const [key, c] of countJoint(l, predCover, dims).off) {
      if (key % 65536 === 0) add(Math.floor(key / 65536), 0, c);
    }
  }
  for (const l of predL) {
    for (const [key, c] of countJoint(refCover, l, dims).off) {
      if (Math.floor(key / 65536) === 0) add(0, key % 65536, c);
    }
  }
  add(0, 0, countJoint(refCover, predCover, dims).diag[0]);
  const seen = new Set<number>();
  for (const key of cells.keys()) {
    seen.add(Math.floor(key / 65536));
    seen.add(key % 65536);
  }
  const labels = [...seen].sort((a, b) => a - b);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const [key, c] of cells)
    counts[index.get(Math.floor(key / 65536))!][index.get(key % 65536)!] = c;
  return { labels, counts };
}
