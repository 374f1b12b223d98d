import {
  composeAffines,
  indexToWorld,
  indexToWorldAffine,
  invertAffine,
  type Direction,
  type Grid,
  type Vec3,
} from '@concord/core';

/**
 * FreeSurfer's conform (docs/manifest.md#conform), after FastSurfer's `conform.py`: 256^3
 * voxels of 1 mm, axes towards L, I, A, centred on the input volume's centre, trilinear,
 * intensities robustly scaled to 0..255 and stored as unsigned char (truncated). The
 * independent numpy/scipy reference is platform/inference/training/conform.py.
 */
export const CONFORM_SIZE = 256;

/** LIA in LPS coordinates: axis 0 towards L (+x), axis 1 towards I (-z), axis 2 towards A (-y). */
const LIA_DIRECTION: Direction = [1, 0, 0, 0, 0, -1, 0, -1, 0];

/**
 * The conformed grid of a source grid: its centre (voxel 128, 128, 128) is the source's centre
 * in FreeSurfer's convention, the continuous index dims / 2 (not (dims - 1) / 2).
 */
export function conformGrid(src: Grid, size = CONFORM_SIZE): Grid {
  const c = indexToWorld(src, [src.dims[0] / 2, src.dims[1] / 2, src.dims[2] / 2]);
  const h = size / 2;
  const d = LIA_DIRECTION;
  const origin = [0, 1, 2].map((w) => c[w] - h * (d[w] + d[3 + w] + d[6 + w])) as Vec3;
  return {
    dims: [size, size, size],
    spacing: [1, 1, 1],
    origin,
    direction: [...LIA_DIRECTION] as Direction,
    frameOfReferenceUID: src.frameOfReferenceUID,
  };
}

export interface ConformScaling {
  /** Input value that maps to 0. */
  srcMin: number;
  /** Output units per input unit: v -> clip(scale * (v - srcMin), 0, 255). */
  scale: number;
}

/**
 * FastSurfer's getscale(data, 0, 255, f_low = 0, f_high = 0.999) on the input voxels: srcMin is
 * the minimum; a 1000-bin histogram over [min, max] (numpy.histogram: bin k holds
 * edge_k <= v < edge_k+1, the last bin also holds max); cs = [0, cumulative counts]; with nz the
 * voxels with |v| >= 1e-15, the upper limit is srcMin + (idx - 2) * binSize where idx is the
 * first index with cs[idx] >= voxels - trunc(0.001 * nz). Computed in float64.
 */
export function conformScaling(data: ArrayLike<number>): ConformScaling {
  const n = data.length;
  let min = Infinity;
  let max = -Infinity;
  let nz = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.abs(v) >= 1e-15) nz++;
  }
  if (!(max > min)) return { srcMin: min, scale: 1 };
  const bins = 1000;
  const binSize = (max - min) / bins;
  // numpy.linspace edges: min + k * step, the last edge exactly max
  const edge = (k: number) => (k === bins ? max : min + k * binSize);
  const norm = bins / (max - min);
  const hist = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    let k = Math.floor((v - min) * norm);
    if (k >= bins) k = bins - 1;
    if (v < edge(k)) k--;
    else if (k !== bins - 1 && v >= edge(k + 1)) k++;
    hist[k]++;
  }
  const nth = n - Math.trunc((1.0 - 0.999) * nz);
  let cs = 0;
  let idx = 0;
  // cs[0] = 0, cs[k] = counts of bins < k
  while (cs < nth) cs += hist[idx++];
  const srcMax = (idx - 2) * binSize + min;
  return { srcMin: min, scale: srcMax === min ? 1 : 255 / (srcMax - min) };
}

/**
 * Samples `data` (on `src`) onto the conformed grid `grid`: trilinear in source index space; a
 * sample whose source index is outside [0, n - 1] on any axis (by more than 1e-6 voxel: samples
 * that land exactly on the edge in exact arithmetic count as inside whatever the float
 * rounding) is 0 (scipy's mode 'constant'). Then v -> trunc(clip(scale * (v - srcMin), 0, 255)).
 * Returns float32 values 0..255.
 */
export function conformSample(
  data: ArrayLike<number>,
  src: Grid,
  grid: Grid,
  scaling: ConformScaling,
): Float32Array {
  const m = composeAffines(invertAffine(indexToWorldAffine(src)), indexToWorldAffine(grid));
  const [nx, ny, nz] = src.dims;
  const [mx, my, mz] = grid.dims;
  const out = new Float32Array(mx * my * mz);
  const nxy = nx * ny;
  const { srcMin, scale } = scaling;
  const eps = 1e-6;
  const clampTo = (v: number, n: number) => (v < 0 ? 0 : v > n - 1 ? n - 1 : v);
  let o = 0;
  for (let k = 0; k < mz; k++)
    for (let j = 0; j < my; j++) {
      const bx = m[1] * j + m[2] * k + m[3];
      const by = m[5] * j + m[6] * k + m[7];
      const bz = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < mx; i++, o++) {
        // each point from the matrix, not by accumulation (no drift along the row)
        let px = m[0] * i + bx;
        let py = m[4] * i + by;
        let pz = m[8] * i + bz;
        let v = 0;
        if (
          px >= -eps &&
          py >= -eps &&
          pz >= -eps &&
          px <= nx - 1 + eps &&
          py <= ny - 1 + eps &&
          pz <= nz - 1 + eps
        ) {
          px = clampTo(px, nx);
          py = clampTo(py, ny);
          pz = clampTo(pz, nz);
          const x0 = Math.floor(px);
          const y0 = Math.floor(py);
          const z0 = Math.floor(pz);
          const wx = px - x0;
          const wy = py - y0;
          const wz = pz - z0;
          const dx = x0 + 1 < nx ? 1 : 0;
          const dy = y0 + 1 < ny ? nx : 0;
          const dz = z0 + 1 < nz ? nxy : 0;
          const b = z0 * nxy + y0 * nx + x0;
          const c00 = data[b] * (1 - wx) + data[b + dx] * wx;
          const c10 = data[b + dy] * (1 - wx) + data[b + dy + dx] * wx;
          const c01 = data[b + dz] * (1 - wx) + data[b + dz + dx] * wx;
          const c11 = data[b + dz + dy] * (1 - wx) + data[b + dz + dy + dx] * wx;
          v = (c00 * (1 - wy) + c10 * wy) * (1 - wz) + (c01 * (1 - wy) + c11 * wy) * wz;
        }
        let s = scale * (v - srcMin);
        s = s < 0 ? 0 : s > 255 ? 255 : s;
        out[o] = Math.floor(s);
      }
    }
  return out;
}
