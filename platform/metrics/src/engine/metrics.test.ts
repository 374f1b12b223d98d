import { describe, expect, it } from 'vitest';
import {
  alignToReference,
  indexToWorld,
  InvalidInputError,
  type Direction,
  type Grid,
} from '@concord/core';
import { computeMetrics, computeOverlap } from './metrics.ts';
import {
  box,
  bruteDirected,
  brutePercentile,
  bruteSurface,
  grid,
  sphere,
  volume,
} from './testing/volumes.ts';
import type { StructureMetrics } from './types.ts';

const one = (r: { structures: StructureMetrics[] }, label = 1) =>
  r.structures.find((s) => s.label === label)!;

describe('overlap metrics (closed form)', () => {
  it('box shifted by one voxel along i', () => {
    const g = grid([10, 10, 10]);
    const ref = volume(g, box([2, 2, 2], [5, 5, 5]));
    const pred = volume(g, box([3, 2, 2], [6, 5, 5]));
    const s = one(computeMetrics(ref, pred));
    expect(s).toMatchObject({ status: 'ok', tp: 48, fp: 16, fn: 16, tn: 1000 - 80 });
    expect(s.dice).toBeCloseTo(0.75, 12);
    expect(s.jaccard).toBeCloseTo(48 / 80, 12);
    expect(s.precision).toBeCloseTo(0.75, 12);
    expect(s.recall).toBeCloseTo(0.75, 12);
    expect(s.specificity).toBeCloseTo(920 / 936, 12);
    expect(s.volumeRefMl).toBeCloseTo(0.064, 12);
    expect(s.volumeDiffMl).toBe(0);
    expect(s.volumeDiffPct).toBe(0);
    // 4x4x4 cube: 56 surface voxels each; 20 of them 1 mm from the other surface, the rest 0
    expect(s.surfaceRefVoxels).toBe(56);
    expect(s.surfacePredVoxels).toBe(56);
    expect(s.hd).toBe(1);
    expect(s.hd95).toBe(1);
    expect(s.assd).toBeCloseTo(40 / 112, 12);
    expect(s.nsd).toEqual({ '1': 1, '2': 1 });
  });

  it('uses physical spacing: anisotropic voxel volumes and distances', () => {
    const g = grid([6, 6, 6], [0.5, 2, 3]);
    const ref = volume(g, box([0, 0, 0], [0, 0, 0]));
    const pred = volume(g, box([1, 1, 1], [1, 1, 1]));
    const s = one(computeMetrics(ref, pred, { tolerancesMm: [3.6, 3.7] }));
    const d = Math.hypot(0.5, 2, 3);
    expect(s.dice).toBe(0);
    expect(s.volumeRefMl).toBeCloseTo(0.003, 12);
    expect(s.hd).toBeCloseTo(d, 5);
    expect(s.hd95).toBeCloseTo(d, 5);
    expect(s.assd).toBeCloseTo(d, 5);
    expect(s.nsd).toEqual({ '3.6': 0, '3.7': 1 });
  });

  it('single voxels: identical -> perfect, apart -> their distance', () => {
    const g = grid([5, 5, 5]);
    const same = one(
      computeMetrics(volume(g, box([2, 2, 2], [2, 2, 2])), volume(g, box([2, 2, 2], [2, 2, 2]))),
    );
    expect(same).toMatchObject({
      dice: 1,
      jaccard: 1,
      hd: 0,
      hd95: 0,
      assd: 0,
      nsd: { '1': 1, '2': 1 },
    });
    const apart = one(
      computeMetrics(volume(g, box([0, 0, 0], [0, 0, 0])), volume(g, box([4, 4, 4], [4, 4, 4]))),
    );
    expect(apart.hd).toBeCloseTo(Math.sqrt(48), 5);
    expect(apart.nsd).toEqual({ '1': 0, '2': 0 });
  });

  it('structures touching the image border: border voxels are surface', () => {
    const g = grid([4, 4, 4]);
    const full = volume(g, () => 1);
    const s = one(computeMetrics(full, full));
    expect(s.surfaceRefVoxels).toBe(64 - 8);
    expect(s.hd).toBe(0);
    // prediction misses the whole i = 3 layer: reference surface voxels there are 1 mm away
    const pred = volume(g, box([0, 0, 0], [2, 3, 3]));
    const t = one(computeMetrics(full, pred));
    expect(t.surfacePredVoxels).toBe(48 - 4);
    expect(t.hd).toBe(1);
    expect(t.tn).toBe(0);
    expect(t.specificity).toBeNull();
  });

  it('statuses for empty structures, listed labels and pooled Dice', () => {
    const g = grid([8, 8, 8]);
    const ref = volume(
      g,
      (i, j, k) => box([1, 1, 1], [3, 3, 3], 1)(i, j, k) || box([5, 5, 5], [6, 6, 6], 2)(i, j, k),
    );
    const pred = volume(
      g,
      (i, j, k) => box([1, 1, 1], [3, 3, 2], 1)(i, j, k) || box([5, 5, 5], [6, 6, 6], 3)(i, j, k),
    );
    const r = computeMetrics(ref, pred, { labels: [1, 2, 3, 9], labelNames: { 1: 'Liver' } });
    expect(r.structures.map((s) => s.status)).toEqual([
      'ok',
      'prediction-empty',
      'reference-empty',
      'both-empty',
    ]);
    expect(one(r, 1).name).toBe('Liver');
    expect(one(r, 2).name).toBe('Label 2');
    expect(one(r, 2)).toMatchObject({
      dice: 0,
      jaccard: 0,
      hd: null,
      hd95: null,
      assd: null,
      recall: 0,
      precision: null,
      nsd: { '1': 0, '2': 0 },
    });
    expect(one(r, 3)).toMatchObject({
      dice: 0,
      precision: 0,
      recall: null,
      volumeDiffPct: null,
      hd: null,
      nsd: { '1': 0 },
    });
    expect(one(r, 9)).toMatchObject({
      dice: 1,
      jaccard: 1,
      hd: 0,
      hd95: 0,
      assd: 0,
      nsd: { '1': 1, '2': 1 },
      specificity: 1,
      precision: null,
    });
    // means over `ok` only
    expect(r.summary.structuresEvaluated).toBe(1);
    expect(r.summary.meanDice).toBeCloseTo(one(r, 1).dice, 12);
    // pooled: label 1 TP 18 FN 9; label 2 FN 8; label 3 FP 8
    expect(r.summary.pooledDice).toBeCloseTo(36 / (36 + 9 + 8 + 8), 12);
    // default: labels present in either input
    expect(computeMetrics(ref, pred).structures.map((s) => s.label)).toEqual([1, 2, 3]);
  });

  it('full confusion matrix says which structure was mistaken for which', () => {
    const g = grid([4, 1, 1]);
    const ref = { ...g, data: Uint8Array.from([0, 1, 1, 2]) };
    const pred = { ...g, data: Uint8Array.from([1, 1, 2, 2]) };
    const { confusion } = computeMetrics(ref, pred);
    expect(confusion.labels).toEqual([0, 1, 2]);
    expect(confusion.counts).toEqual([
      [0, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('16-bit labels give the same numbers as 8-bit', () => {
    const g = grid([12, 10, 9], [0.9, 1.1, 2]);
    const f = (i: number, j: number, k: number) =>
      sphere([5, 5, 4], 3.5, 1)(i, j, k) || sphere([8, 3, 4], 2, 2)(i, j, k);
    const h = (i: number, j: number, k: number) =>
      sphere([6, 5, 4], 3, 1)(i, j, k) || sphere([8, 4, 5], 2.2, 2)(i, j, k);
    const a = computeMetrics(volume(g, f), volume(g, h));
    const b = computeMetrics(volume(g, f, true), volume(g, h, true));
    expect(b.structures).toEqual(a.structures);
    expect(b.confusion).toEqual(a.confusion);
  });
});

describe('surface distances', () => {
  it('shifted spheres: HD equals the shift, everything matches exhaustive search', () => {
    const g = grid([24, 22, 20], [0.8, 1, 1.5]);
    const ref = volume(g, sphere([11, 10, 9], 6));
    for (const shift of [1, 2, 3]) {
      const pred = volume(g, sphere([11 + shift, 10, 9], 6));
      const s = one(computeMetrics(ref, pred, { tolerancesMm: [0.5, 1, 2] }));
      expect(s.hd).toBeCloseTo(shift * 0.8, 5);
      const A = bruteSurface(ref, 1);
      const B = bruteSurface(pred, 1);
      const dab = bruteDirected(A, B, g.spacing);
      const dba = bruteDirected(B, A, g.spacing);
      const all = [...dab, ...dba];
      expect(s.surfaceRefVoxels).toBe(A.length);
      expect(s.surfacePredVoxels).toBe(B.length);
      expect(s.hd95!).toBeCloseTo(Math.max(brutePercentile(dab, 95), brutePercentile(dba, 95)), 5);
      expect(s.assd!).toBeCloseTo(all.reduce((x, y) => x + y, 0) / all.length, 5);
      for (const t of [0.5, 1, 2])
        expect(s.nsd[String(t)]).toBeCloseTo(
          all.filter((d) => d <= t + 1e-9).length / all.length,
          12,
        );
    }
  });

  it('concentric spheres of different radii match exhaustive search', () => {
    const g = grid([20, 20, 20], [1, 1, 1]);
    const ref = volume(g, sphere([10, 9.5, 10], 7));
    const pred = volume(g, sphere([10, 9.5, 10.4], 4.5));
    const s = one(computeMetrics(ref, pred));
    const A = bruteSurface(ref, 1);
    const B = bruteSurface(pred, 1);
    const all = [...bruteDirected(A, B, g.spacing), ...bruteDirected(B, A, g.spacing)];
    expect(s.hd!).toBeCloseTo(Math.max(...all), 5);
    expect(s.assd!).toBeCloseTo(all.reduce((x, y) => x + y, 0) / all.length, 5);
  });

  it('oblique direction cosines change nothing but the world positions', () => {
    const a = Math.PI / 7;
    const direction: Direction = [
      Math.cos(a),
      Math.sin(a),
      0,
      -Math.sin(a),
      Math.cos(a),
      0,
      0,
      0,
      1,
    ];
    const g = grid([14, 12, 10], [0.7, 1.2, 2]);
    const gObl: Grid = { ...g, direction, origin: [-30, 12, 7] };
    const f = sphere([6, 6, 5], 4);
    const h = sphere([7, 5, 5], 3.5);
    const axis = computeMetrics(volume(g, f), volume(g, h));
    const obl = computeMetrics(volume(gObl, f), volume(gObl, h));
    // the centroid offset goes through world space: equal up to rounding
    const offsets = (r: typeof axis) => r.structures.map((s) => s.centroidOffsetMm);
    const rest = (r: typeof axis) => r.structures.map((s) => ({ ...s, centroidOffsetMm: 0 }));
    expect(rest(obl)).toEqual(rest(axis));
    offsets(obl).forEach((d, i) => expect(d).toBeCloseTo(offsets(axis)[i]!, 12));
  });

  it('a prediction stored flipped maps back in world space before comparison', () => {
    const g = grid([10, 9, 8], [1, 1.5, 2], { origin: [5, -3, 2] });
    const ref = volume(g, sphere([4, 4, 3], 3));
    const predOnRef = volume(g, sphere([5, 4, 3], 3));
    const flipped: Grid = {
      ...g,
      origin: indexToWorld(g, [9, 0, 0]),
      direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    const stored = volume(flipped, (i, j, k) => predOnRef.data[9 - i + 10 * (j + 9 * k)]);
    const aligned = alignToReference(stored, g);
    expect(computeMetrics(ref, aligned).structures).toEqual(
      computeMetrics(ref, predOnRef).structures,
    );
  });

  it('rejects volumes on different grids', () => {
    const ref = volume(grid([4, 4, 4]), () => 1);
    const pred = volume(grid([4, 4, 5]), () => 1);
    expect(() => computeMetrics(ref, pred)).toThrow(InvalidInputError);
  });
});

describe('overlap-only and probabilities', () => {
  it('computeOverlap agrees with computeMetrics on the overlap fields', () => {
    const g = grid([12, 10, 9]);
    const ref = volume(g, sphere([5, 5, 4], 3.5, 2));
    const pred = volume(g, sphere([6, 5, 4], 3.5, 2));
    const full = one(computeMetrics(ref, pred), 2);
    const ov = one(computeOverlap(ref, pred), 2);
    expect(ov).toMatchObject({ tp: full.tp, fp: full.fp, fn: full.fn, dice: full.dice, hd: null });
  });

  it('soft Dice and expected volume', () => {
    const g = grid([4, 1, 1], [1, 1, 10]);
    const ref = { ...g, data: Uint8Array.from([1, 1, 0, 0]) };
    const pred = { ...g, data: Uint8Array.from([1, 0, 0, 0]) };
    const p = Float32Array.from([0.5, 0.25, 0.25, 0]);
    const s = one(computeMetrics(ref, pred, { probabilities: new Map([[1, p]]) }));
    expect(s.softDice).toBeCloseTo((2 * 0.75) / (1 + 2), 7);
    expect(s.volumeSoftMl).toBeCloseTo(0.01, 7);
  });
});
