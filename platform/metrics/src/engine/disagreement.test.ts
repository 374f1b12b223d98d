import { describe, expect, it } from 'vitest';
import {
  boxDistances,
  computeDisagreement,
  expandDisagreement,
  VOXEL_CODE,
} from './disagreement.ts';
import { boundaryGrossVolumes } from '../disagreement/classify.ts';
import { computeMetrics, computeMetricsThenDisagreement } from './metrics.ts';
import { mulberry32 } from '../cohort/prng.ts';
import { box, bruteDirected, bruteSurface, grid, sphere, volume } from './testing/volumes.ts';
import type { Vec3 } from '@concord/core';

describe('disagreement products', () => {
  it('box shifted along i: codes, FP/FN distances to the reference surface, slice counts', () => {
    const g = grid([10, 10, 10], [1, 1, 1]);
    const ref = volume(g, box([2, 2, 2], [5, 5, 5]));
    const pred = volume(g, box([3, 2, 2], [6, 5, 5]));
    const [d] = computeDisagreement(ref, pred);
    expect(d).toMatchObject({
      label: 1,
      tp: 48,
      fp: 16,
      fn: 16,
      box: { min: [2, 2, 2], max: [6, 5, 5] },
      boxDims: [5, 4, 4],
    });
    const full = expandDisagreement(d, g.dims);
    for (let o = 0; o < 1000; o++) {
      const i = o % 10;
      const want =
        ref.data[o] && pred.data[o]
          ? VOXEL_CODE.tp
          : pred.data[o]
            ? VOXEL_CODE.fp
            : ref.data[o]
              ? VOXEL_CODE.fn
              : 0;
      expect(full.codes[o]).toBe(want);
      // FN voxels (i = 2) lie on the reference surface; FP voxels (i = 6) are 1 mm outside it
      if (want === VOXEL_CODE.fn) expect(full.distancesMm[o]).toBe(0);
      if (want === VOXEL_CODE.fp) expect([i, full.distancesMm[o]]).toEqual([6, 1]);
    }
    const [si, sj] = d.slices;
    expect(Array.from(si.fn)).toEqual([0, 0, 16, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(si.fp)).toEqual([0, 0, 0, 0, 0, 0, 16, 0, 0, 0]);
    expect(Array.from(si.tp)).toEqual([0, 0, 0, 16, 16, 16, 0, 0, 0, 0]);
    expect(Array.from(sj.fp)).toEqual([0, 0, 4, 4, 4, 4, 0, 0, 0, 0]);
  });

  it('distances of a distant FP blob and of deep FN voxels match exhaustive search', () => {
    const g = grid([20, 16, 12], [0.8, 1.1, 2]);
    const ref = volume(g, sphere([6, 7, 5], 4));
    const pred = volume(
      g,
      (i, j, k) => sphere([7, 7, 5], 2)(i, j, k) || box([16, 12, 8], [18, 14, 10])(i, j, k),
    );
    const [d] = computeDisagreement(ref, pred);
    const full = expandDisagreement(d, g.dims);
    const surfA = bruteSurface(ref, 1);
    for (let o = 0; o < full.codes.length; o++) {
      if (full.codes[o] !== VOXEL_CODE.fp && full.codes[o] !== VOXEL_CODE.fn) continue;
      const p: Vec3 = [o % 20, Math.floor(o / 20) % 16, Math.floor(o / 320)];
      expect(full.distancesMm[o]).toBeCloseTo(bruteDirected([p], surfA, g.spacing)[0], 4);
    }
    // same products when requested from computeMetrics
    expect(computeMetrics(ref, pred, { disagreement: true }).disagreement).toEqual([d]);
  });

  it('distances of scattered FP/FN voxels far and near, anisotropic: exhaustive search', () => {
    // noise blobs up to ~15 voxels from the reference: both the ring search and its fallback
    const g = grid([36, 30, 14], [0.7, 1.3, 2.5]);
    const next = mulberry32(7);
    const blobs = Array.from({ length: 12 }, () => ({
      c: [next() % 36, next() % 30, next() % 14] as Vec3,
      r: 1 + (next() % 3),
    }));
    const ref = volume(g, box([10, 8, 4], [22, 20, 9]));
    const pred = volume(g, (i, j, k) =>
      (box([11, 8, 4], [22, 19, 10])(i, j, k) && !sphere([16, 14, 6], 2)(i, j, k)) ||
      blobs.some((b) => sphere(b.c, b.r)(i, j, k))
        ? 1
        : 0,
    );
    const [d] = computeDisagreement(ref, pred);
    const full = expandDisagreement(d, g.dims);
    const surfA = bruteSurface(ref, 1);
    let checked = 0;
    for (let o = 0; o < full.codes.length; o++) {
      if (full.codes[o] !== VOXEL_CODE.fp && full.codes[o] !== VOXEL_CODE.fn) continue;
      const p: Vec3 = [o % 36, Math.floor(o / 36) % 30, Math.floor(o / 1080)];
      expect(full.distancesMm[o]).toBeCloseTo(bruteDirected([p], surfA, g.spacing)[0], 4);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
    expect(Math.max(...full.distancesMm)).toBeGreaterThan(10);
    // the stored form: one distance per FP/FN voxel in box order, each plane's first indexed
    expect(d.distancesMm).toHaveLength(d.fp + d.fn);
    const plane = d.boxDims[0] * d.boxDims[1];
    for (let k = 0; k <= d.boxDims[2]; k++)
      expect(d.planeStarts[k]).toBe(
        d.codes.subarray(0, k * plane).filter((c) => c === VOXEL_CODE.fp || c === VOXEL_CODE.fn)
          .length,
      );
    expect(Array.from(boxDistances(d, 3, 7))).toEqual(
      Array.from(boxDistances(d).subarray(3 * plane, 7 * plane)),
    );
    // boundary/gross volumes at τ = 2 mm from the stored form: the exhaustive search's counts
    const tau = 2;
    const count = (code: number, gross: boolean) =>
      full.codes.filter((c, o) => c === code && full.distancesMm[o] > tau === gross).length;
    const ml = (0.7 * 1.3 * 2.5) / 1000;
    const v = boundaryGrossVolumes(d.codes, d.distancesMm, tau, 0.7 * 1.3 * 2.5);
    expect(v.fpBoundaryMl).toBeCloseTo(count(VOXEL_CODE.fp, false) * ml, 12);
    expect(v.fpGrossMl).toBeCloseTo(count(VOXEL_CODE.fp, true) * ml, 12);
    expect(v.fnBoundaryMl).toBeCloseTo(count(VOXEL_CODE.fn, false) * ml, 12);
    expect(v.fnGrossMl).toBeCloseTo(count(VOXEL_CODE.fn, true) * ml, 12);
    expect(v.fpGrossMl + v.fnGrossMl).toBeGreaterThan(0);
    expect(v.fpBoundaryMl + v.fnBoundaryMl).toBeGreaterThan(0);
  });

  it('reference-empty FP voxels are infinitely far (gross); absent labels give empty products', () => {
    const g = grid([6, 6, 6]);
    const ref = volume(g, () => 0);
    const pred = volume(g, box([1, 1, 1], [2, 2, 2], 4));
    const [d4, d5] = computeDisagreement(ref, pred, { labels: [4, 5] });
    expect(d4.fp).toBe(8);
    expect(Array.from(d4.distancesMm).filter((x) => x === Infinity)).toHaveLength(8);
    expect(d5).toMatchObject({ box: null, tp: 0, fp: 0, fn: 0 });
    expect(Array.from(d5.slices[2].fp)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('computed after the metrics (computeMetricsThenDisagreement): the same products and numbers', () => {
    // three structures, one missing from the prediction and one from the reference
    const g = grid([24, 20, 12], [0.8, 1.1, 2]);
    const next = mulberry32(11);
    const noisy =
      (base: (i: number, j: number, k: number) => number) => (i: number, j: number, k: number) =>
        next() % 9 === 0 ? next() % 4 : base(i, j, k);
    const ref = volume(
      g,
      (i, j, k) =>
        box([2, 2, 1], [10, 9, 6], 1)(i, j, k) ||
        box([12, 3, 2], [20, 15, 9], 2)(i, j, k) ||
        box([4, 12, 7], [9, 18, 10], 3)(i, j, k),
    );
    const pred = volume(
      g,
      noisy((i, j, k) =>
        box([3, 2, 1], [11, 10, 6], 1)(i, j, k) || box([12, 4, 3], [21, 15, 9], 2)(i, j, k)
          ? box([3, 2, 1], [11, 10, 6], 1)(i, j, k)
            ? 1
            : 2
          : 0,
      ),
    );
    const together = computeMetrics(ref, pred, { disagreement: true });
    const { result, disagreement } = computeMetricsThenDisagreement(ref, pred);
    expect(result.disagreement).toBeUndefined();
    expect(result.structures).toEqual(together.structures);
    const later = disagreement();
    expect(later.map((d) => d.label)).toEqual([1, 2, 3]);
    expect(later).toEqual(together.disagreement);
    expect(later.every((d) => d.fp + d.fn > 0)).toBe(true);
  });
});
