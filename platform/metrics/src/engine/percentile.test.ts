import { describe, expect, it } from 'vitest';
import { percentileLinear, selectKth } from './percentile.ts';

const p = (v: number[], q: number) => percentileLinear(Float64Array.from(v), q);

describe('percentileLinear (numpy method="linear")', () => {
  it('reproduces numpy.percentile values', () => {
    // numpy 1.24: np.percentile(x, 95)
    expect(p([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12);
    expect(p([0, 0, 0, 1, 1], 95)).toBe(1);
    expect(p([5.5], 95)).toBe(5.5);
    expect(p([3, 1, 2, 10, 7, 7, 0.5], 95)).toBeCloseTo(9.1, 12);
    expect(
      p(
        Array.from({ length: 101 }, (_, i) => Math.sqrt(100 - i)),
        95,
      ),
    ).toBeCloseTo(9.746794344808963, 12);
    expect(p([1, 1, 2, 2, 2, 9], 50)).toBe(2);
    expect(p([], 95)).toBeNull();
  });

  it('selectKth finds order statistics with many ties', () => {
    let s = 3;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 20; trial++) {
      const v = Float64Array.from({ length: 200 + trial }, () => Math.floor(rnd() * 7));
      const sorted = Array.from(v).sort((a, b) => a - b);
      const k = Math.floor(rnd() * v.length);
      expect(selectKth(v, k)).toBe(sorted[k]);
    }
  });
});
