import { describe, expect, it } from 'vitest';
import { blendWeights, tileStarts } from './tiling.ts';

describe('sliding-window tiles', () => {
  it('covers the axis with the requested overlap, last tile flush with the end', () => {
    expect(tileStarts(64, 64, 0.5)).toEqual([0]);
    expect(tileStarts(72, 64, 0.5)).toEqual([0, 8]);
    expect(tileStarts(200, 64, 0.5)).toEqual([0, 32, 64, 96, 128, 136]);
    expect(tileStarts(100, 40, 0)).toEqual([0, 40, 60]);
  });

  it('gaussian weights are positive, symmetric and peak in the centre', () => {
    const w = blendWeights([9, 7, 1], 'gaussian');
    expect(w.length).toBe(63);
    expect(Math.min(...w)).toBeGreaterThan(0);
    const at = (x: number, y: number) => w[y * 9 + x];
    expect(at(4, 3)).toBeCloseTo(1, 6);
    expect(at(0, 0)).toBeCloseTo(at(8, 6), 6);
    expect(at(0, 3)).toBeLessThan(at(2, 3));
    expect(Array.from(blendWeights([3, 3], 'constant'))).toEqual(new Array(9).fill(1));
  });
});
