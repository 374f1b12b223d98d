import type { InferencePlan } from './plan.ts';
import { sameSpacing } from './resample.ts';

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
 * Labels on the reoriented source grid straight from the blended model outputs, without
 * resampling every class: where the 8 model-grid neighbours of a voxel share one argmax, the
 * trilinearly interpolated probabilities have that argmax too (interpolation with non-negative
 * weights preserves p_c >= p_k), so only voxels near a label boundary are interpolated, and
 * softmax is computed only at their neighbours. Same labels as resampling each class
 * probability and taking the argmax.
 */
export function labelsFromModelGrid(
  acc: Float32Array,
  plan: InferencePlan,
  classLabels: number[],
  softmax: boolean,
  out: Uint8Array | Uint16Array,
): void {
  const C = classLabels.length;
  const [mx, my, mz] = plan.model.dims;
  const mxy = mx * my;
  const nm = mxy * mz;
  // argmax per model voxel (strict '>' keeps the lowest class on ties)
  const best = C < 256 ? new Uint8Array(nm) : new Uint16Array(nm);
  for (let v = 0; v < nm; v++) {
    let b = 0;
    let bv = acc[v];
    for (let c = 1; c < C; c++) {
      const x = acc[c * nm + v];
      if (x > bv) {
        bv = x;
        b = c;
      }
    }
    best[v] = b;
  }
  const ready = new Uint8Array(softmax ? nm : 0);
  const toProbabilities = (v: number) => {
    if (!softmax || ready[v]) return;
    ready[v] = 1;
    const max = acc[best[v] * nm + v];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(acc[c * nm + v] - max);
      acc[c * nm + v] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) acc[c * nm + v] /= sum;
  };
  const r = plan.reoriented;
  const ax = axisLerp(r.dims[0], r.spacing[0], mx, plan.model.spacing[0]);
  const ay = axisLerp(r.dims[1], r.spacing[1], my, plan.model.spacing[1]);
  const az = axisLerp(r.dims[2], r.spacing[2], mz, plan.model.spacing[2]);
  const corner = new Int32Array(8);
  const weight = new Float64Array(8);
  let o = 0;
  for (let z = 0; z < r.dims[2]; z++) {
    const z0 = az.i0[z] * mxy;
    const z1 = az.i1[z] * mxy;
    const wz = az.w[z];
    for (let y = 0; y < r.dims[1]; y++) {
      const y0 = ay.i0[y] * mx;
      const y1 = ay.i1[y] * mx;
      const wy = ay.w[y];
      for (let x = 0; x < r.dims[0]; x++, o++) {
        const x0 = ax.i0[x];
        const x1 = ax.i1[x];
        const l = best[z0 + y0 + x0];
        if (
          best[z0 + y0 + x1] === l &&
          best[z0 + y1 + x0] === l &&
          best[z0 + y1 + x1] === l &&
          best[z1 + y0 + x0] === l &&
          best[z1 + y0 + x1] === l &&
          best[z1 + y1 + x0] === l &&
          best[z1 + y1 + x1] === l
        ) {
          out[o] = classLabels[l];
          continue;
        }
        const wx = ax.w[x];
        corner[0] = z0 + y0 + x0;
        corner[1] = z0 + y0 + x1;
        corner[2] = z0 + y1 + x0;
        corner[3] = z0 + y1 + x1;
        corner[4] = z1 + y0 + x0;
        corner[5] = z1 + y0 + x1;
        corner[6] = z1 + y1 + x0;
        corner[7] = z1 + y1 + x1;
        weight[0] = (1 - wz) * (1 - wy) * (1 - wx);
        weight[1] = (1 - wz) * (1 - wy) * wx;
        weight[2] = (1 - wz) * wy * (1 - wx);
        weight[3] = (1 - wz) * wy * wx;
        weight[4] = wz * (1 - wy) * (1 - wx);
        weight[5] = wz * (1 - wy) * wx;
        weight[6] = wz * wy * (1 - wx);
        weight[7] = wz * wy * wx;
        for (let k = 0; k < 8; k++) toProbabilities(corner[k]);
        let b = 0;
        let bv = -Infinity;
        for (let c = 0; c < C; c++) {
          const base = c * nm;
          let p = 0;
          for (let k = 0; k < 8; k++) p += weight[k] * acc[base + corner[k]];
          if (p > bv) {
            bv = p;
            b = c;
          }
        }
        out[o] = classLabels[b];
      }
    }
  }
}
