import { directedDistances, edtBuffers, type EdtBuffers } from './edt.ts';
import type { IndexBox } from './types.ts';

type Labels = Uint8Array | Uint16Array;

/** Bits of the per-voxel flags inside a structure's box. */
export const IN_REF = 1;
export const IN_PRED = 2;
export const SURF_REF = 4;
export const SURF_PRED = 8;

/** Buffers reused across structures; they grow to the largest box seen. */
export class SurfaceWorkspace {
  flags = new Uint8Array(0);
  edt: EdtBuffers = edtBuffers(0, 0, 1);

  ensure(voxels: number, planeVoxels: number, maxLine: number): void {
    if (this.flags.length < voxels) this.flags = new Uint8Array(voxels);
    const e = this.edt;
    if (e.counts.length < voxels || e.plane.length < planeVoxels || e.scratch.f.length < maxLine) {
      this.edt = edtBuffers(
        Math.max(voxels, e.counts.length),
        Math.max(planeVoxels, e.plane.length),
        Math.max(maxLine, e.scratch.f.length),
      );
    }
  }
}

export interface BoxView {
  /** Box origin (voxel index in the full volume) and size. */
  min: [number, number, number];
  dims: [number, number, number];
  voxels: number;
}

export function boxView(box: IndexBox): BoxView {
  const dims: [number, number, number] = [
    box.max[0] - box.min[0] + 1,
    box.max[1] - box.min[1] + 1,
    box.max[2] - box.min[2] + 1,
  ];
  return { min: [...box.min], dims, voxels: dims[0] * dims[1] * dims[2] };
}

/**
 * Fills `flags` over the box with IN_REF / IN_PRED for `label` and returns them.
 *
 * Why no margin around the box: the box is the union bounding box of both masks, so every
 * voxel of A = (reference == label) and B = (prediction == label) lies inside it. A neighbour
 * of a mask voxel that falls outside the box is therefore background — whether it is outside
 * the image (docs/metrics.md: outside counts as background) or inside the image but outside the
 * box — so the 6-connected erosion is exact when out-of-box neighbours are read as
 * background (a 1-voxel margin would hold only zeros). Likewise both surfaces lie inside the
 * box, and the separable EDT computes exact minima over every feature voxel of a rectangular
 * domain, so distances between surface (and FP/FN) voxels need no margin either.
 */
export function fillMasks(
  reference: Labels,
  prediction: Labels,
  volumeDims: readonly [number, number, number],
  label: number,
  bv: BoxView,
  flags: Uint8Array,
): void {
  const [nx, ny] = volumeDims;
  const [bx, by, bz] = bv.dims;
  const [x0, y0, z0] = bv.min;
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      let src = x0 + (y0 + j) * nx + (z0 + k) * nx * ny;
      for (let i = 0; i < bx; i++, o++, src++) {
        flags[o] =
          (reference[src] === label ? IN_REF : 0) | (prediction[src] === label ? IN_PRED : 0);
      }
    }
  }
}

/**
 * Marks surface voxels: a mask voxel with at least one 6-neighbour outside the mask (or
 * outside the box, i.e. background — see fillMasks). Returns [|∂A|, |∂B|].
 */
export function markSurfaces(bv: BoxView, flags: Uint8Array): [number, number] {
  const [bx, by, bz] = bv.dims;
  const bxy = bx * by;
  let nA = 0;
  let nB = 0;
  let o = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      for (let i = 0; i < bx; i++, o++) {
        const f = flags[o] & (IN_REF | IN_PRED);
        if (f === 0) continue;
        // AND of the six neighbours' mask bits; a neighbour outside the box contributes 0
        let all = IN_REF | IN_PRED;
        all &= i > 0 ? flags[o - 1] : 0;
        all &= i < bx - 1 ? flags[o + 1] : 0;
        all &= j > 0 ? flags[o - bx] : 0;
        all &= j < by - 1 ? flags[o + bx] : 0;
        all &= k > 0 ? flags[o - bxy] : 0;
        all &= k < bz - 1 ? flags[o + bxy] : 0;
        let s = 0;
        if (f & IN_REF && !(all & IN_REF)) {
          s |= SURF_REF;
          nA++;
        }
        if (f & IN_PRED && !(all & IN_PRED)) {
          s |= SURF_PRED;
          nB++;
        }
        flags[o] |= s;
      }
    }
  }
  return [nA, nB];
}

/** Directed surface distances of one structure, mm. */
export interface SurfaceDistances {
  /** d(a, ∂B) for every a ∈ ∂A, in box scan order. */
  refToPred: Float64Array;
  /** d(b, ∂A) for every b ∈ ∂B, in box scan order. */
  predToRef: Float64Array;
}

/** d(x, surface `featureBit`) for every voxel with `queryBit`, in box scan order. */
function directed(
  bv: BoxView,
  spacing: readonly [number, number, number],
  ws: SurfaceWorkspace,
  featureBit: number,
  queryBit: number,
  count: number,
): Float64Array {
  const out = new Float64Array(count);
  directedDistances(ws.flags, featureBit, queryBit, bv.dims, spacing, ws.edt, out);
  return out;
}

/**
 * Both directed surface-distance sets of a structure whose masks and surfaces are in
 * `ws.flags` (fillMasks + markSurfaces); `counts` = [|∂A|, |∂B|], both non-zero.
 */
export function surfaceDistances(
  bv: BoxView,
  spacing: readonly [number, number, number],
  counts: [number, number],
  ws: SurfaceWorkspace,
): SurfaceDistances {
  return {
    refToPred: directed(bv, spacing, ws, SURF_PRED, SURF_REF, counts[0]),
    predToRef: directed(bv, spacing, ws, SURF_REF, SURF_PRED, counts[1]),
  };
}

export function newWorkspaceFor(bv: BoxView, ws = new SurfaceWorkspace()): SurfaceWorkspace {
  ws.ensure(bv.voxels, bv.dims[0] * bv.dims[1], Math.max(...bv.dims));
  return ws;
}
