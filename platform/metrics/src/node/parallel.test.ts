import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../engine/metrics.ts';
import { grid, sphere, volume } from '../engine/testing/volumes.ts';
import { computeMetricsParallel } from './parallel.ts';

describe('computeMetricsParallel (worker_threads)', () => {
  it('gives the numbers of the single-threaded engine', async () => {
    const g = grid([40, 36, 30], [0.9, 1.1, 1.7]);
    const f = (i: number, j: number, k: number) =>
      sphere([18, 17, 14], 11, 1)(i, j, k) || sphere([30, 8, 6], 4, 2)(i, j, k);
    const h = (i: number, j: number, k: number) =>
      sphere([19, 16, 15], 10, 1)(i, j, k) ||
      sphere([31, 9, 6], 4.5, 2)(i, j, k) ||
      sphere([4, 30, 26], 2, 1)(i, j, k); // distant false-positive blob
    const ref = volume(g, f);
    const pred = volume(g, h);
    const single = computeMetrics(ref, pred, { labels: [1, 2, 3] });
    for (const threads of [2, 3]) {
      const par = await computeMetricsParallel(ref, pred, { labels: [1, 2, 3] }, { threads });
      par.structures.forEach((s, i) => {
        // distances agree to rounding (different but exact distance algorithms)
        const { assd, hd, hd95, ...rest } = s;
        const want = single.structures[i];
        expect(rest).toEqual(
          Object.fromEntries(
            Object.entries(want).filter(([k]) => !['assd', 'hd', 'hd95'].includes(k)),
          ),
        );
        for (const [got, exp] of [
          [assd, want.assd],
          [hd, want.hd],
          [hd95, want.hd95],
        ]) {
          if (exp === null) expect(got).toBeNull();
          else expect(got).toBeCloseTo(exp, 9);
        }
      });
      expect(par.summary.pooledDice).toBe(single.summary.pooledDice);
      expect(par.confusion).toEqual(single.confusion);
    }
  });
});
