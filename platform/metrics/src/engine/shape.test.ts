import { describe, expect, it } from 'vitest';
import type { Grid } from '@concord/core';
import { computeMetrics, computeOverlap } from './metrics.ts';
import { centroidOffsetMm, labelMoments, volumeSimilarity } from './shape.ts';
import { box, grid, volume } from './testing/volumes.ts';

const one = (r: ReturnType<typeof computeMetrics>, label = 1) =>
  r.structures.find((s) => s.label === label)!;

describe('volume similarity', () => {
  it('is 1 − |a − b| / (a + b), 1 when both are empty', () => {
    expect(volumeSimilarity(30, 10)).toBe(1 - 20 / 40);
    expect(volumeSimilarity(10, 30)).toBe(0.5);
    expect(volumeSimilarity(7, 7)).toBe(1);
    expect(volumeSimilarity(0, 5)).toBe(0);
    expect(volumeSimilarity(0, 0)).toBe(1);
  });

  it('is in every structure row: 24 vs 36 voxels -> 1 − 12/60', () => {
    const g = grid([10, 10, 4], [0.5, 0.7, 2]);
    // 2x3x4 = 24 and 3x3x4 = 36 voxels, shifted: overlap does not matter to VS
    const ref = volume(g, box([1, 1, 0], [2, 3, 3]));
    const pred = volume(g, box([5, 2, 0], [7, 4, 3]));
    expect(one(computeMetrics(ref, pred)).volumeSimilarity).toBeCloseTo(1 - 12 / 60, 15);
    expect(one(computeOverlap(ref, pred)).volumeSimilarity).toBeCloseTo(0.8, 15);
  });
});

describe('centroid offset', () => {
  it('sums the moments of runs exactly', () => {
    const g = grid([7, 3, 2]);
    const v = volume(g, (i, j, k) =>
      i >= 2 && i <= 5 && j === 1 ? 3 : k === 1 && i === 6 ? 2 : 0,
    );
    const m = labelMoments(v.data, g.dims);
    expect([m.count[3], m.sumI[3], m.sumJ[3], m.sumK[3]]).toEqual([8, 2 * (2 + 3 + 4 + 5), 8, 4]);
    expect([m.count[2], m.sumI[2], m.sumJ[2], m.sumK[2]]).toEqual([3, 18, 3, 3]);
  });

  it('is the world distance between the centres of mass on an anisotropic grid', () => {
    const g = grid([12, 12, 8], [0.8, 1.2, 3]);
    // centres (2, 3, 2) and (7, 5, 4) in voxel indices
    const ref = volume(g, box([1, 2, 1], [3, 4, 3]));
    const pred = volume(g, box([6, 4, 3], [8, 6, 5]));
    const want = Math.hypot(5 * 0.8, 2 * 1.2, 2 * 3);
    expect(one(computeMetrics(ref, pred)).centroidOffsetMm).toBeCloseTo(want, 12);
    expect(one(computeOverlap(ref, pred)).centroidOffsetMm).toBeCloseTo(want, 12);
  });

  it('goes through the direction cosines (a sheared, oblique grid)', () => {
    // row, column and slice cosines: a rotation about z by 30° and a slice axis tilted in x
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const t = 1 / Math.SQRT2;
    const direction: Grid['direction'] = [c, s, 0, -s, c, 0, t, 0, t];
    const g = grid([10, 10, 10], [2, 1, 3], { direction, origin: [5, -7, 11] });
    const d = [4, 1, 2];
    // by hand: Δworld = Σ_axis Δindex·spacing·cosine
    const dx = d[0] * 2 * c + d[1] * 1 * -s + d[2] * 3 * t;
    const dy = d[0] * 2 * s + d[1] * 1 * c + d[2] * 3 * 0;
    const dz = d[2] * 3 * t;
    expect(centroidOffsetMm(g, [1, 2, 3], [1 + d[0], 2 + d[1], 3 + d[2]])).toBeCloseTo(
      Math.hypot(dx, dy, dz),
      12,
    );
    // the sheared slice axis makes it differ from the orthogonal-grid formula
    expect(Math.abs(Math.hypot(dx, dy, dz) - Math.hypot(8, 1, 6))).toBeGreaterThan(0.1);
    const ref = volume(g, box([1, 2, 3], [1, 2, 3]));
    const pred = volume(g, box([5, 3, 5], [5, 3, 5]));
    expect(one(computeMetrics(ref, pred)).centroidOffsetMm).toBeCloseTo(Math.hypot(dx, dy, dz), 12);
  });

  it('is null when either side is empty, 0 for the same mask', () => {
    const g = grid([8, 8, 4]);
    const a = volume(g, box([1, 1, 1], [3, 3, 2]));
    const none = volume(g, () => 0);
    const r = computeMetrics(a, none, { labels: [1, 2] });
    expect(one(r).centroidOffsetMm).toBeNull();
    expect(one(r).volumeSimilarity).toBe(0);
    expect(one(r, 2)).toMatchObject({
      status: 'both-empty',
      volumeSimilarity: 1,
      centroidOffsetMm: null,
    });
    expect(one(computeMetrics(none, a)).centroidOffsetMm).toBeNull();
    expect(one(computeMetrics(a, a)).centroidOffsetMm).toBe(0);
  });
});
