import { describe, expect, it } from 'vitest';
import { normaliseIntensity } from './intensity.ts';

describe('normaliseIntensity (docs/manifest.md)', () => {
  it('percentile: statistics over non-zero voxels, mapped to outputRange and clipped', () => {
    const data = Float32Array.from([0, 0, 0, 0, 1, 2, 3, 4, 5]);
    const stats = normaliseIntensity(data, {
      type: 'percentile',
      low: 0,
      high: 100,
      nonzeroOnly: true,
      outputRange: [0, 1],
      clip: true,
    });
    expect([stats.a, stats.b]).toEqual([1, 5]);
    expect(Array.from(data)).toEqual([0, 0, 0, 0, 0, 0.25, 0.5, 0.75, 1]);
  });

  it('percentile without clip extrapolates linearly', () => {
    const data = Float32Array.from([0, 10, 20]);
    normaliseIntensity(data, {
      type: 'percentile',
      low: 50,
      high: 100,
      nonzeroOnly: false,
      outputRange: [-1, 1],
      clip: false,
    });
    expect(Array.from(data)).toEqual([-3, -1, 1]);
  });

  it('zscore with given statistics, and per volume over non-zero voxels (zeros stay 0)', () => {
    const a = Float32Array.from([1, 3, 5]);
    normaliseIntensity(a, { type: 'zscore', mean: 3, std: 2, nonzeroOnly: false });
    expect(Array.from(a)).toEqual([-1, 0, 1]);
    const b = Float32Array.from([0, 2, 4, 0]);
    const s = normaliseIntensity(b, { type: 'zscore', nonzeroOnly: true });
    expect([s.a, s.b]).toEqual([3, 1]);
    expect(Array.from(b)).toEqual([0, -1, 1, 0]);
  });

  it('window maps centre +- width/2 to outputRange and clips', () => {
    const d = Float32Array.from([-1000, -160, 40, 240, 3000]);
    normaliseIntensity(d, { type: 'window', center: 40, width: 400, outputRange: [0, 1] });
    expect(Array.from(d)).toEqual([0, 0, 0.5, 1, 1]);
  });

  it('none leaves the data alone', () => {
    const d = Float32Array.from([-5, 7]);
    normaliseIntensity(d, { type: 'none' });
    expect(Array.from(d)).toEqual([-5, 7]);
  });
});
