import { describe, expect, it } from 'vitest';
import { DisagreementClass } from '@concord/metrics';
import { computeDisagreement } from '@concord/metrics';
import { syntheticCase } from '../testing/syntheticCase.ts';
import { axialDisagreementProfile, sliceDisagreementClasses } from './sliceClasses.ts';

describe('slice disagreement glue', () => {
  const c = syntheticCase();
  const [nx, ny, nz] = c.grid.dims;
  const products = computeDisagreement(c.reference, c.prediction);

  it('sums FP/FN per axial slice like a brute-force count', () => {
    const fp = new Array<number>(nz).fill(0);
    const fn = new Array<number>(nz).fill(0);
    const ref = c.reference.data;
    const pred = c.prediction.data;
    for (let o = 0; o < ref.length; o++) {
      const k = Math.floor(o / (nx * ny));
      if (pred[o] && pred[o] !== ref[o]) fp[k]++;
      if (ref[o] && pred[o] !== ref[o]) fn[k]++;
    }
    const profile = axialDisagreementProfile(products, nz);
    expect(profile.fp).toEqual(fp);
    expect(profile.fn).toEqual(fn);
  });

  it('classifies each pixel of a slice: TP, FP/FN, boundary vs gross', () => {
    const k = 4; // the slice with the spurious blob
    const classes = sliceDisagreementClasses(products, c.grid.dims, k, 1);
    const base = k * nx * ny;
    const seen = new Set<number>();
    for (let p = 0; p < nx * ny; p++) {
      const r = c.reference.data[base + p];
      const m = c.prediction.data[base + p];
      const cls = classes[p];
      seen.add(cls);
      if (!r && !m) expect(cls).toBe(DisagreementClass.None);
      else if (r === m) expect(cls).toBe(DisagreementClass.TruePositive);
      else if (m)
        expect([
          DisagreementClass.FalsePositiveBoundary,
          DisagreementClass.FalsePositiveGross,
        ]).toContain(cls);
      else
        expect([
          DisagreementClass.FalseNegativeBoundary,
          DisagreementClass.FalseNegativeGross,
        ]).toContain(cls);
    }
    // the blob is far from every reference surface: a gross false positive
    expect(classes[3 + 3 * nx]).toBe(DisagreementClass.FalsePositiveGross);
    expect(seen.has(DisagreementClass.FalseNegativeBoundary)).toBe(true);
  });
});
