import type { LabelVolume } from '@concord/core';
import { assertComparable } from './metrics.ts';
import type { MatchMode } from './pairing.ts';
import { planEvaluation, type EvaluationPlan } from './plan.ts';
import { edtCounts, ringDistances } from './edt.ts';
import {
  boxView,
  fillMasks,
  IN_PRED,
  IN_REF,
  markSurfaces,
  newWorkspaceFor,
  SURF_REF,
  SurfaceWorkspace,
  type BoxView,
} from './surface.ts';
import type { IndexBox, LabelNames } from './types.ts';

/** Per-voxel codes of a structure's TP/FP/FN volume: the one source (OverlapCode derives from it). */
export const VOXEL_CODE = { none: 0, tp: 1, fp: 2, fn: 3 } as const;

/** A flag bit of the box (beside surface.ts's four): the voxel is FP or FN, a distance query. */
const DISAGREES = 16;

/** FP/FN (and TP) voxel counts per slice along one axis: index = slice index on the full grid. */
export interface SliceCounts {
  axis: 0 | 1 | 2;
  tp: Uint32Array;
  fp: Uint32Array;
  fn: Uint32Array;
}

/**
 * Disagreement products of one structure, stored compactly over its union bounding box
 * (outside the box every voxel is `none`).
 */
export interface StructureDisagreement {
  label: number;
  /** Inclusive voxel box on the reference grid; null when both masks are empty. */
  box: IndexBox | null;
  /** Box size [nx, ny, nz]; codes/distancesMm are i-fastest over it. */
  boxDims: [number, number, number];
  /** VOXEL_CODE per box voxel. */
  codes: Uint8Array;
  /**
   * Distance (mm) to the reference surface ∂A of each FP/FN voxel, in the order of `codes`
   * (fp + fn values; `boxDistances` spreads them over the box); Infinity for FP voxels of a
   * structure absent from the reference (no surface: gross error). Only those voxels carry a
   * distance: a value per box voxel cost 4 bytes × 108 M voxels for the 116 AAL structures at
   * 512×512×300 (docs/performance.md).
   */
  distancesMm: Float32Array;
  /** Index in `distancesMm` of the first FP/FN voxel of each box plane k (bz + 1 entries). */
  planeStarts: Uint32Array;
  tp: number;
  fp: number;
  fn: number;
  /** Per-slice counts along i, j and k. */
  slices: [SliceCounts, SliceCounts, SliceCounts];
}

function emptySlices(dims: readonly [number, number, number]): StructureDisagreement['slices'] {
  return [0, 1, 2].map((axis) => ({
    axis,
    tp: new Uint32Array(dims[axis]),
    fp: new Uint32Array(dims[axis]),
    fn: new Uint32Array(dims[axis]),
  })) as StructureDisagreement['slices'];
}

/**
 * Builds the disagreement products of one structure from its box flags (fillMasks +
 * markSurfaces already run); FP/FN distances come from an EDT to ∂A.
 */
export function structureDisagreement(
  label: number,
  bv: BoxView,
  volumeDims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  ws: SurfaceWorkspace,
  refSurfaceVoxels: number,
): StructureDisagreement {
  const { flags } = ws;
  const codes = new Uint8Array(bv.voxels);
  const slices = emptySlices(volumeDims);
  const [bx, by, bz] = bv.dims;
  const [x0, y0, z0] = bv.min;
  const [si, sj, sk] = slices;
  const [tpI, fpI, fnI] = [si.tp, si.fp, si.fn];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let o = 0;
  // the FP/FN voxels in scan order: the order ringDistances gives their distances in
  let disagreeing = new Int32Array(4096);
  let nd = 0;
  const planeStarts = new Uint32Array(bz + 1);
  // counts along j and k per row, added once per row (along i per voxel)
  for (let k = 0; k < bz; k++) {
    planeStarts[k] = nd;
    for (let j = 0; j < by; j++) {
      let rowTp = 0;
      let rowFp = 0;
      let rowFn = 0;
      for (let i = 0; i < bx; i++, o++) {
        const f = flags[o] & (IN_REF | IN_PRED);
        if (f === 0) continue;
        if (f === (IN_REF | IN_PRED)) {
          codes[o] = VOXEL_CODE.tp;
          tpI[x0 + i]++;
          rowTp++;
        } else {
          flags[o] |= DISAGREES;
          if (nd === disagreeing.length) {
            const grown = new Int32Array(2 * nd);
            grown.set(disagreeing);
            disagreeing = grown;
          }
          disagreeing[nd++] = o;
          if (f === IN_PRED) {
            codes[o] = VOXEL_CODE.fp;
            fpI[x0 + i]++;
            rowFp++;
          } else {
            codes[o] = VOXEL_CODE.fn;
            fnI[x0 + i]++;
            rowFn++;
          }
        }
      }
      sj.tp[y0 + j] += rowTp;
      sj.fp[y0 + j] += rowFp;
      sj.fn[y0 + j] += rowFn;
      sk.tp[z0 + k] += rowTp;
      sk.fp[z0 + k] += rowFp;
      sk.fn[z0 + k] += rowFn;
      tp += rowTp;
      fp += rowFp;
      fn += rowFn;
    }
  }
  planeStarts[bz] = nd;
  let distancesMm: Float32Array;
  if (refSurfaceVoxels === 0) {
    // no reference surface (so no FN either): every FP voxel is a gross error
    distancesMm = new Float32Array(nd).fill(Infinity);
  } else if (nd > 0) {
    // exact distances to ∂A for the FP/FN voxels only, by the ring search of the surface
    // distances (most lie near ∂A): a transform of the whole foreground cost 5 s of 116
    // structures on 512x512x300 (docs/performance.md)
    const d = new Float64Array(nd);
    edtCounts(flags, SURF_REF, bv.dims, ws.edt.counts);
    ringDistances(flags, DISAGREES, bv.dims, spacing, ws.edt, d, 0, bz);
    distancesMm = Float32Array.from(d);
  } else distancesMm = new Float32Array(0);
  for (let a = 0; a < nd; a++) flags[disagreeing[a]] &= ~DISAGREES;
  return {
    label,
    box: { min: [...bv.min], max: [x0 + bx - 1, y0 + by - 1, z0 + bz - 1] },
    boxDims: [...bv.dims],
    codes,
    distancesMm,
    planeStarts,
    tp,
    fp,
    fn,
    slices,
  };
}

/** Disagreement products of a structure present in neither input. */
export function emptyDisagreement(
  label: number,
  volumeDims: readonly [number, number, number],
): StructureDisagreement {
  return {
    label,
    box: null,
    boxDims: [0, 0, 0],
    codes: new Uint8Array(0),
    distancesMm: new Float32Array(0),
    planeStarts: new Uint32Array(1),
    tp: 0,
    fp: 0,
    fn: 0,
    slices: emptySlices(volumeDims),
  };
}

/**
 * TP/FP/FN codes, FP/FN distances to the reference surface and per-slice counts for each
 * structure (the listed labels, or every label present in either input). `prediction` must be
 * on the reference grid.
 */
export function computeDisagreement(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: { labels?: readonly number[]; match?: MatchMode; labelNames?: LabelNames } = {},
): StructureDisagreement[] {
  assertComparable(reference, prediction);
  return disagreementOfPlan(planEvaluation(reference, prediction, options, true), reference);
}

/** The disagreement products of each structure of an evaluation plan, in its order. */
export function disagreementOfPlan(
  plan: EvaluationPlan,
  reference: LabelVolume,
  ws: SurfaceWorkspace = new SurfaceWorkspace(),
): StructureDisagreement[] {
  return plan.structures.map((s) => {
    if (!s.box) return emptyDisagreement(s.label, reference.dims);
    const bv = boxView(s.box);
    newWorkspaceFor(bv, ws);
    fillMasks(s.ref, s.pred, reference.dims, s.label, bv, ws.flags);
    const [nA] = markSurfaces(bv, ws.flags);
    return structureDisagreement(s.label, bv, reference.dims, reference.spacing, ws, nA);
  });
}

/**
 * Values given per voxel of a structure's box (i-fastest, as its codes), placed on the full
 * grid; 0 outside the box.
 */
export function boxValuesOnGrid<T extends Uint8Array | Float32Array>(
  d: StructureDisagreement,
  dims: readonly [number, number, number],
  boxValues: T,
  grid: T,
): T {
  if (!d.box) return grid;
  const [bx, by, bz] = d.boxDims;
  const [x0, y0, z0] = d.box.min;
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      grid.set(
        boxValues.subarray(o, o + bx),
        x0 + (y0 + j) * dims[0] + (z0 + k) * dims[0] * dims[1],
      );
      o += bx;
    }
  }
  return grid;
}

/**
 * A structure's FP/FN distances spread over its box (one value per voxel of `codes`, 0 for the
 * others), for code that reads them by voxel; box planes `k0` to `k1 - 1` only when given.
 */
export function boxDistances(d: StructureDisagreement, k0 = 0, k1 = d.boxDims[2]): Float32Array {
  const plane = d.boxDims[0] * d.boxDims[1];
  const out = new Float32Array((k1 - k0) * plane);
  const { codes, distancesMm } = d;
  for (let o = k0 * plane, end = k1 * plane, a = d.planeStarts[k0]; o < end; o++) {
    const c = codes[o];
    if (c === VOXEL_CODE.fp || c === VOXEL_CODE.fn) out[o - k0 * plane] = distancesMm[a++];
  }
  return out;
}

/** Expands a structure's box-encoded codes and distances to full-grid arrays. */
export function expandDisagreement(
  d: StructureDisagreement,
  dims: readonly [number, number, number],
): { codes: Uint8Array; distancesMm: Float32Array } {
  const n = dims[0] * dims[1] * dims[2];
  return {
    codes: boxValuesOnGrid(d, dims, d.codes, new Uint8Array(n)),
    distancesMm: boxValuesOnGrid(d, dims, boxDistances(d), new Float32Array(n)),
  };
}
