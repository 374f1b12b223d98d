import type { LabelVolume } from '@concord/core';
import { assertComparable } from './metrics.ts';
import type { MatchMode } from './pairing.ts';
import { planEvaluation } from './plan.ts';
import { edtByPlane } from './edt.ts';
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
   * Distance (mm) of each FP/FN voxel to the reference surface ∂A, 0 for other voxels;
   * Infinity for FP voxels of a structure absent from the reference (no surface: gross error).
   */
  distancesMm: Float32Array;
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
  const distancesMm = new Float32Array(bv.voxels);
  const slices = emptySlices(volumeDims);
  const [bx, by, bz] = bv.dims;
  const [x0, y0, z0] = bv.min;
  const [si, sj, sk] = slices;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      for (let i = 0; i < bx; i++, o++) {
        const f = flags[o] & (IN_REF | IN_PRED);
        if (f === 0) continue;
        let tgt: 'tp' | 'fp' | 'fn';
        if (f === (IN_REF | IN_PRED)) {
          codes[o] = VOXEL_CODE.tp;
          tp++;
          tgt = 'tp';
        } else if (f === IN_PRED) {
          codes[o] = VOXEL_CODE.fp;
          fp++;
          tgt = 'fp';
        } else {
          codes[o] = VOXEL_CODE.fn;
          fn++;
          tgt = 'fn';
        }
        si[tgt][x0 + i]++;
        sj[tgt][y0 + j]++;
        sk[tgt][z0 + k]++;
      }
    }
  }
  if (refSurfaceVoxels === 0) {
    // no reference surface: every FP voxel is a gross error
    for (let v = 0; v < bv.voxels; v++) if (codes[v] === VOXEL_CODE.fp) distancesMm[v] = Infinity;
  } else if (fp + fn > 0) {
    const nxy = bx * by;
    edtByPlane(flags, SURF_REF, bv.dims, spacing, ws.edt, IN_REF | IN_PRED, (k, plane) => {
      const base = k * nxy;
      for (let q = 0; q < nxy; q++) {
        const c = codes[base + q];
        if (c === VOXEL_CODE.fp || c === VOXEL_CODE.fn) distancesMm[base + q] = Math.sqrt(plane[q]);
      }
    });
  }
  return {
    label,
    box: { min: [...bv.min], max: [x0 + bx - 1, y0 + by - 1, z0 + bz - 1] },
    boxDims: [...bv.dims],
    codes,
    distancesMm,
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
  const plan = planEvaluation(reference, prediction, options, true);
  const ws = new SurfaceWorkspace();
  return plan.structures.map((s) => {
    if (!s.box) return emptyDisagreement(s.label, reference.dims);
    const bv = boxView(s.box);
    newWorkspaceFor(bv, ws);
    fillMasks(s.ref, s.pred, reference.dims, s.label, bv, ws.flags);
    const [nA] = markSurfaces(bv, ws.flags);
    return structureDisagreement(s.label, bv, reference.dims, reference.spacing, ws, nA);
  });
}

/** Expands a structure's box-encoded codes and distances to full-grid arrays (for overlays). */
export function expandDisagreement(
  d: StructureDisagreement,
  dims: readonly [number, number, number],
): { codes: Uint8Array; distancesMm: Float32Array } {
  const n = dims[0] * dims[1] * dims[2];
  const codes = new Uint8Array(n);
  const distancesMm = new Float32Array(n);
  if (!d.box) return { codes, distancesMm };
  const [bx, by, bz] = d.boxDims;
  const [x0, y0, z0] = d.box.min;
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const dst = x0 + (y0 + j) * dims[0] + (z0 + k) * dims[0] * dims[1];
      codes.set(d.codes.subarray(o, o + bx), dst);
      distancesMm.set(d.distancesMm.subarray(o, o + bx), dst);
      o += bx;
    }
  }
  return { codes, distancesMm };
}
