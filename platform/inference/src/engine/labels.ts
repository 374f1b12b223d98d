import {
  composeAffines,
  indexToWorldAffine,
  invertAffine,
  type Grid,
  type Vec3,
} from '@concord/core';
import type { InferencePlan } from './plan.ts';
import { sameSpacing } from './resample.ts';

/**
 * Class probabilities of the run, on the fed region of the model grid, stored compactly:
 * p = acc[c * n + v] / q (q = 65535 for Uint16, 255 for Uint8). Model-grid voxels outside the
 * region (cropped away) count as background with probability 1.
 */
export interface RegionProbabilities {
  acc: Uint16Array | Uint8Array;
  q: number;
  classes: number;
  /** Class index of label 0, or -1 (then every voxel is inside the region). */
  background: number;
}

/**
 * Where an output voxel (x, y, z) samples the full model grid: per axis the two neighbours and
 * the weight of the second, written into `s` as [x0, x1, wx, y0, y1, wy, z0, z1, wz]. Returns
 * false when the voxel lies outside the model grid (it is background then).
 */
export type Locate = (x: number, y: number, z: number, s: Float64Array) => boolean;

interface AxisLerp {
  i0: Int32Array;
  i1: Int32Array;
  w: Float64Array;
}

/** For each reoriented-grid index along one axis: the two model-grid neighbours and the weight. */
function axisLerp(n: number, s: number, m: number, t: number): AxisLerp {
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const w = new Float64Array(n);
  const same = sameSpacing(s, t);
  const scale = s / t;
  for (let i = 0; i < n; i++) {
    if (same) {
      i0[i] = i1[i] = i;
      continue;
    }
    const x = Math.min(Math.max(i * scale + 0.5 * scale - 0.5, 0), m - 1);
    const a = Math.floor(x);
    i0[i] = a;
    i1[i] = Math.min(a + 1, m - 1);
    w[i] = x - a;
  }
  return { i0, i1, w };
}

/**
 * `resample: "spacing"`: the reoriented source grid samples the model grid with the inverse of
 * the resampling rule (docs/manifest.md#spacing), clamped to the edge voxels.
 */
export function spacingLocate(plan: InferencePlan): Locate {
  const r = plan.reoriented;
  const m = plan.model;
  const ax = axisLerp(r.dims[0], r.spacing[0], m.dims[0], m.spacing[0]);
  const ay = axisLerp(r.dims[1], r.spacing[1], m.dims[1], m.spacing[1]);
  const az = axisLerp(r.dims[2], r.spacing[2], m.dims[2], m.spacing[2]);
  return (x, y, z, s) => {
    s[0] = ax.i0[x];
    s[1] = ax.i1[x];
    s[2] = ax.w[x];
    s[3] = ay.i0[y];
    s[4] = ay.i1[y];
    s[5] = ay.w[y];
    s[6] = az.i0[z];
    s[7] = az.i1[z];
    s[8] = az.w[z];
    return true;
  };
}

/**
 * `resample: "conform"`: each source voxel's centre mapped into the model grid through world
 * space (any source orientation, oblique included); outside [0, m - 1] on any axis it is
 * background.
 */
export function affineLocate(source: Grid, model: Grid): Locate {
  const a = composeAffines(invertAffine(indexToWorldAffine(model)), indexToWorldAffine(source));
  const [mx, my, mz] = model.dims;
  const eps = 1e-9;
  return (x, y, z, s) => {
    const p = [
      a[0] * x + a[1] * y + a[2] * z + a[3],
      a[4] * x + a[5] * y + a[6] * z + a[7],
      a[8] * x + a[9] * y + a[10] * z + a[11],
    ];
    const m = [mx, my, mz];
    for (let k = 0; k < 3; k++) {
      let v = p[k];
      if (v < -eps || v > m[k] - 1 + eps) return false;
      v = Math.min(Math.max(v, 0), m[k] - 1);
      const i0 = Math.floor(v);
      s[k * 3] = i0;
      s[k * 3 + 1] = Math.min(i0 + 1, m[k] - 1);
      s[k * 3 + 2] = v - i0;
    }
    return true;
  };
}

/** Region-flat index of a model-grid voxel, or -1 outside the region. */
function regionIndexer(plan: InferencePlan) {
  const [sx, sy, sz] = plan.region.start;
  const [rx, ry, rz] = plan.region.dims;
  return (x: number, y: number, z: number) => {
    const a = x - sx;
    const b = y - sy;
    const c = z - sz;
    if (a < 0 || b < 0 || c < 0 || a >= rx || b >= ry || c >= rz) return -1;
    return (c * ry + b) * rx + a;
  };
}

/** Argmax class index per region voxel (strict '>': the lowest class wins ties). */
function regionArgmax(p: RegionProbabilities, n: number): Uint8Array | Uint16Array {
  const best = p.classes < 256 ? new Uint8Array(n) : new Uint16Array(n);
  const { acc, classes: C } = p;
  for (let v = 0; v < n; v++) {
    let b = 0;
    let bv = acc[v];
    for (let c = 1; c < C; c++) {
      const x = acc[c * n + v];
      if (x > bv) {
        bv = x;
        b = c;
      }
    }
    best[v] = b;
  }
  return best;
}

/**
 * Labels on an output grid (dims `outDims`, storage order) from the region probabilities:
 * trilinear interpolation of every class probability at each output voxel, then argmax (ties:
 * the first class). Where the 8 model-grid neighbours share one argmax the interpolated
 * probabilities have it too (non-negative weights preserve p_c >= p_k), so only voxels near a
 * label boundary are interpolated.
 */
export function labelsFromProbabilities(
  p: RegionProbabilities,
  plan: InferencePlan,
  outDims: Vec3,
  locate: Locate,
  classLabels: number[],
  out: Uint8Array | Uint16Array,
): void {
  const C = p.classes;
  const n = plan.region.dims[0] * plan.region.dims[1] * plan.region.dims[2];
  const best = regionArgmax(p, n);
  const [sx, sy, sz] = plan.region.start;
  const [rx, ry, rz] = plan.region.dims;
  const bg = p.background;
  const bgLabel = bg >= 0 ? classLabels[bg] : 0;
  const s = new Float64Array(9);
  const corner = new Int32Array(8);
  const { acc, q } = p;
  let o = 0;
  for (let z = 0; z < outDims[2]; z++)
    for (let y = 0; y < outDims[1]; y++)
      for (let x = 0; x < outDims[0]; x++, o++) {
        if (!locate(x, y, z, s)) {
          out[o] = bgLabel;
          continue;
        }
        // the 8 neighbours' region indices (-1: cropped away, background)
        const x0 = s[0] - sx;
        const x1 = s[1] - sx;
        const y0 = s[3] - sy;
        const y1 = s[4] - sy;
        const z0 = s[6] - sz;
        const z1 = s[7] - sz;
        const inX0 = x0 >= 0 && x0 < rx;
        const inX1 = x1 >= 0 && x1 < rx;
        const inY0 = y0 >= 0 && y0 < ry;
        const inY1 = y1 >= 0 && y1 < ry;
        const inZ0 = z0 >= 0 && z0 < rz;
        const inZ1 = z1 >= 0 && z1 < rz;
        const r00 = inZ0 && inY0 ? (z0 * ry + y0) * rx : -1;
        const r01 = inZ0 && inY1 ? (z0 * ry + y1) * rx : -1;
        const r10 = inZ1 && inY0 ? (z1 * ry + y0) * rx : -1;
        const r11 = inZ1 && inY1 ? (z1 * ry + y1) * rx : -1;
        corner[0] = r00 >= 0 && inX0 ? r00 + x0 : -1;
        corner[1] = r00 >= 0 && inX1 ? r00 + x1 : -1;
        corner[2] = r01 >= 0 && inX0 ? r01 + x0 : -1;
        corner[3] = r01 >= 0 && inX1 ? r01 + x1 : -1;
        corner[4] = r10 >= 0 && inX0 ? r10 + x0 : -1;
        corner[5] = r10 >= 0 && inX1 ? r10 + x1 : -1;
        corner[6] = r11 >= 0 && inX0 ? r11 + x0 : -1;
        corner[7] = r11 >= 0 && inX1 ? r11 + x1 : -1;
        const l0 = corner[0] >= 0 ? best[corner[0]] : bg;
        let same = true;
        for (let k = 1; k < 8 && same; k++) same = (corner[k] >= 0 ? best[corner[k]] : bg) === l0;
        if (same) {
          out[o] = classLabels[l0];
          continue;
        }
        const wx = s[2];
        const wy = s[5];
        const wz = s[8];
        const weight = [
          (1 - wx) * (1 - wy) * (1 - wz),
          wx * (1 - wy) * (1 - wz),
          (1 - wx) * wy * (1 - wz),
          wx * wy * (1 - wz),
          (1 - wx) * (1 - wy) * wz,
          wx * (1 - wy) * wz,
          (1 - wx) * wy * wz,
          wx * wy * wz,
        ];
        let b = 0;
        let bv = -Infinity;
        for (let c = 0; c < C; c++) {
          const base = c * n;
          let v = 0;
          for (let k = 0; k < 8; k++)
            v += weight[k] * (corner[k] >= 0 ? acc[base + corner[k]] : c === bg ? q : 0);
          if (v > bv) {
            bv = v;
            b = c;
          }
        }
        out[o] = classLabels[b];
      }
}

/** One class's probability on the output grid, trilinear, quantised to Uint8 (p ≈ v / 255). */
export function classProbability(
  p: RegionProbabilities,
  c: number,
  plan: InferencePlan,
  outDims: Vec3,
  locate: Locate,
): Uint8Array {
  const n = plan.region.dims[0] * plan.region.dims[1] * plan.region.dims[2];
  const index = regionIndexer(plan);
  const outside = c === p.background ? p.q : 0;
  const out = new Uint8Array(outDims[0] * outDims[1] * outDims[2]);
  const s = new Float64Array(9);
  const base = c * n;
  const scale = 255 / p.q;
  let o = 0;
  for (let z = 0; z < outDims[2]; z++)
    for (let y = 0; y < outDims[1]; y++)
      for (let x = 0; x < outDims[0]; x++, o++) {
        let v = outside;
        if (locate(x, y, z, s)) {
          v = 0;
          for (let zz = 6; zz <= 7; zz++)
            for (let yy = 3; yy <= 4; yy++)
              for (let xx = 0; xx <= 1; xx++) {
                const w =
                  (xx ? s[2] : 1 - s[2]) *
                  (yy === 4 ? s[5] : 1 - s[5]) *
                  (zz === 7 ? s[8] : 1 - s[8]);
                if (w === 0) continue;
                const r = index(s[xx], s[yy], s[zz]);
                v += w * (r >= 0 ? p.acc[base + r] : outside);
              }
        }
        const u = v * scale + 0.5;
        out[o] = u <= 0 ? 0 : u >= 255 ? 255 : u;
      }
  return out;
}
