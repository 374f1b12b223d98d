import { describe, expect, it } from 'vitest';
import { DISAGREEMENT_COLORS, OKABE_ITO, type Rgb } from './style.ts';

const distance = (a: Rgb, b: readonly number[]) =>
  Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('disagreement colours', () => {
  it('stay apart from every Okabe–Ito structure colour', () => {
    for (const c of Object.values(DISAGREEMENT_COLORS))
      for (const o of OKABE_ITO) expect(distance(c, o), `${c} vs ${o}`).toBeGreaterThan(90);
  });
  it('keep false positives red (r high, g ≈ b) and false negatives violet (b > r ≥ g)', () => {
    const [, tp, fpB, fpG, fnB, fnG] = [0, ...Object.values(DISAGREEMENT_COLORS)] as Rgb[];
    expect(Math.min(...tp)).toBeGreaterThan(200);
    for (const [r, g, b] of [fpB, fpG]) {
      expect(r - g).toBeGreaterThan(150);
      expect(Math.abs(g - b)).toBeLessThan(40);
    }
    for (const [r, g, b] of [fnB, fnG]) {
      expect(b - r).toBeGreaterThan(80);
      expect(r).toBeGreaterThanOrEqual(g);
    }
  });
});
