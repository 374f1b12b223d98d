import type { Vec3 } from '@concord/core';

/**
 * The resampling grid rule shared with the training scripts (training/common.py): along an
 * axis of n voxels at spacing s, the target spacing t gives m = max(1, round(n * s / t)) voxels,
 * and target voxel i samples source continuous index (i + 0.5) * t / s - 0.5 (edges aligned,
 * clamped to the edge voxels).
 */
export function resampledSize(n: number, s: number, t: number): number {
  if (sameSpacing(s, t)) return n;
  return Math.max(1, Math.floor((n * s) / t + 0.5));
}

export function sameSpacing(s: number, t: number): boolean {
  return Math.abs(s - t) <= 1e-6 * Math.max(s, t);
}

/**
 * Linear resampling along one axis of a 3D array (x fastest). Target index i samples source
 * index x = i * scale + offset, clamped to [0, n - 1].
 */
export function resampleAxisLinear(
  src: Float32Array,
  dims: Vec3,
  axis: 0 | 1 | 2,
  m: number,
  scale: number,
  offset: number,
): Float32Array {
  const n = dims[axis];
  const inner = axis === 0 ? 1 : axis === 1 ? dims[0] : dims[0] * dims[1];
  const outer = axis === 0 ? dims[1] * dims[2] : axis === 1 ? dims[2] : 1;
  const out = new Float32Array(inner * m * outer);
  const i0s = new Int32Array(m);
  const i1s = new Int32Array(m);
  const ws = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = Math.min(Math.max(i * scale + offset, 0), n - 1);
    const i0 = Math.floor(x);
    i0s[i] = i0;
    i1s[i] = Math.min(i0 + 1, n - 1);
    ws[i] = x - i0;
  }
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const sb = o * n;
      const ob = o * m;
      for (let i = 0; i < m; i++) {
        const w = ws[i];
        out[ob + i] = src[sb + i0s[i]] * (1 - w) + src[sb + i1s[i]] * w;
      }
    }
    return out;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const w = ws[i];
      const a = o * n * inner + i0s[i] * inner;
      const b = o * n * inner + i1s[i] * inner;
      const t = o * m * inner + i * inner;
      if (w === 0) out.set(src.subarray(a, a + inner), t);
      else for (let r = 0; r < inner; r++) out[t + r] = src[a + r] * (1 - w) + src[b + r] * w;
    }
  }
  return out;
}

/**
 * Separable trilinear resampling from spacing `from` to spacing `to` (same axes), with the grid
 * rule above. Returns the new dims and data (the input itself when nothing changes).
 */
export function resampleToSpacing(
  src: Float32Array,
  dims: Vec3,
  from: Vec3,
  to: Vec3,
): { data: Float32Array; dims: Vec3 } {
  let data = src;
  const cur: Vec3 = [...dims];
  for (const axis of [0, 1, 2] as const) {
    if (sameSpacing(from[axis], to[axis])) continue;
    const m = resampledSize(dims[axis], from[axis], to[axis]);
    const scale = to[axis] / from[axis];
    data = resampleAxisLinear(data, cur, axis, m, scale, 0.5 * scale - 0.5);
    cur[axis] = m;
  }
  return { data, dims: cur };
}

/**
 * The inverse mapping: data on the resampled grid (dims `modelDims`, spacing `to`) back onto the
 * original grid (dims `dims`, spacing `from`), linear and clamped at the edges.
 */
export function resampleBack(
  modelData: Float32Array,
  modelDims: Vec3,
  dims: Vec3,
  from: Vec3,
  to: Vec3,
): Float32Array {
  let data = modelData;
  const cur: Vec3 = [...modelDims];
  // separable passes commute; shrinking axes first keeps the intermediate arrays small
  const order = ([0, 1, 2] as const)
    .filter((a) => !sameSpacing(from[a], to[a]))
    .sort((a, b) => dims[a] / modelDims[a] - dims[b] / modelDims[b]);
  for (const axis of order) {
    const scale = from[axis] / to[axis];
    data = resampleAxisLinear(data, cur, axis, dims[axis], scale, 0.5 * scale - 0.5);
    cur[axis] = dims[axis];
  }
  return data;
}
