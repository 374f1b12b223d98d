import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@concord/core';
import { resampleBack, resampledSize, resampleToSpacing } from './resample.ts';

function ramp(dims: Vec3, f: (i: number, j: number, k: number) => number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) out[o++] = f(i, j, k);
  return out;
}

describe('resampling grid rule (shared with training/common.py)', () => {
  it('rounds n * s / t half up', () => {
    expect(resampledSize(181, 1, 2)).toBe(91);
    expect(resampledSize(121, 1.5, 1)).toBe(182);
    expect(resampledSize(217, 1, 2)).toBe(109);
    expect(resampledSize(7, 1, 1)).toBe(7);
    expect(resampledSize(1, 1, 5)).toBe(1);
  });

  it('samples the source at (i + 0.5) * t / s - 0.5, linearly', () => {
    const dims: Vec3 = [6, 1, 1];
    const src = Float32Array.from([0, 10, 20, 30, 40, 50]);
    const { data, dims: d } = resampleToSpacing(src, dims, [1, 1, 1], [2, 1, 1]);
    expect(d).toEqual([3, 1, 1]);
    // source indices 0.5, 2.5, 4.5
    expect(Array.from(data)).toEqual([5, 25, 45]);
  });

  it('reproduces a linear function exactly away from the clamped edges, on every axis', () => {
    const dims: Vec3 = [12, 10, 8];
    const f = (x: number, y: number, z: number) => 3 * x - 2 * y + 0.5 * z + 1;
    const src = ramp(dims, f);
    const from: Vec3 = [1, 1.5, 2];
    const to: Vec3 = [0.75, 2, 1.25];
    const { data, dims: d } = resampleToSpacing(src, dims, from, to);
    expect(d).toEqual([16, 8, 13]);
    for (let k = 1; k < d[2] - 1; k++)
      for (let j = 1; j < d[1] - 1; j++)
        for (let i = 1; i < d[0] - 1; i++) {
          const x = (i + 0.5) * (to[0] / from[0]) - 0.5;
          const y = (j + 0.5) * (to[1] / from[1]) - 0.5;
          const z = (k + 0.5) * (to[2] / from[2]) - 0.5;
          expect(data[(k * d[1] + j) * d[0] + i]).toBeCloseTo(f(x, y, z), 4);
        }
  });

  it('round-trips through a finer grid exactly for linear data (interior)', () => {
    const dims: Vec3 = [9, 7, 5];
    const f = (x: number, y: number, z: number) => x + 10 * y + 100 * z;
    const src = ramp(dims, f);
    const from: Vec3 = [1, 1, 1];
    const to: Vec3 = [0.5, 0.5, 0.5];
    const fine = resampleToSpacing(src, dims, from, to);
    const back = resampleBack(fine.data, fine.dims, dims, from, to);
    for (let k = 1; k < 4; k++)
      for (let j = 1; j < 6; j++)
        for (let i = 1; i < 8; i++) expect(back[(k * 7 + j) * 9 + i]).toBeCloseTo(f(i, j, k), 4);
  });

  it('round-trips a smooth volume through a coarser grid within a small error', () => {
    const dims: Vec3 = [40, 36, 10];
    const f = (x: number, y: number) => Math.sin(x / 6) + Math.cos(y / 7);
    const src = ramp(dims, f);
    const coarse = resampleToSpacing(src, dims, [1, 1, 1], [2, 2, 1]);
    expect(coarse.dims).toEqual([20, 18, 10]);
    const back = resampleBack(coarse.data, coarse.dims, dims, [1, 1, 1], [2, 2, 1]);
    let maxErr = 0;
    for (let k = 0; k < 10; k++)
      for (let j = 2; j < 34; j++)
        for (let i = 2; i < 38; i++)
          maxErr = Math.max(maxErr, Math.abs(back[(k * 36 + j) * 40 + i] - f(i, j)));
    expect(maxErr).toBeLessThan(0.03);
  });

  it('returns the input untouched when the spacing already matches', () => {
    const src = ramp([3, 3, 3], (i) => i);
    expect(resampleToSpacing(src, [3, 3, 3], [1, 1, 1], [1, 1, 1]).data).toBe(src);
  });
});
