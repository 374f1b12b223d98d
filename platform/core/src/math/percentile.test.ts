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

function sortedPercentile(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const k = Math.floor(pos);
  return k + 1 < s.length ? s[k] + (s[k + 1] - s[k]) * (pos - k) : s[k];
}

describe('percentileLinear on Float32Array (intensity normalisation)', () => {
  it('matches numpy on 1..100', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => 100 - i);
    const [a, b, c] = [0.5, 50, 99.5].map((q) => percentileLinear(v, q)!);
    expect(a).toBeCloseTo(1.495, 6); // np.percentile(np.arange(1,101), 0.5)
    expect(b).toBeCloseTo(50.5, 6);
    expect(c).toBeCloseTo(99.505, 6);
  });

  it('matches a sort-based reference on random data with ties', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 50;
    const raw = Array.from({ length: 5001 }, () => Math.round(rnd()));
    for (const p of [0, 0.5, 13.3, 50, 99.5, 100]) {
      const got = percentileLinear(Float32Array.from(raw), p)!;
      expect(got).toBeCloseTo(sortedPercentile(raw, p), 5);
    }
  });
});
