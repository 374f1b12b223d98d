import { describe, expect, it } from 'vitest';
import { toProbabilityArrays } from './probabilities.ts';

describe('toProbabilityArrays', () => {
  it('turns each foreground class q into q / 255 and leaves the background out', () => {
    const out = toProbabilityArrays({
      labels: [0, 3, 5],
      data: [Uint8Array.of(255, 0), Uint8Array.of(0, 255), Uint8Array.of(51, 102)],
      scale: 255,
    });
    expect(Object.keys(out).map(Number)).toEqual([3, 5]);
    expect([...out[3]]).toEqual([0, 1]);
    expect(out[5][0]).toBeCloseTo(0.2, 6);
    expect(out[5][1]).toBeCloseTo(0.4, 6);
    expect(out[5]).toBeInstanceOf(Float32Array);
  });
});
