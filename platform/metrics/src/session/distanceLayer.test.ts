import { describe, expect, it } from 'vitest';
import { OverlapCode } from '../disagreement/classify.ts';
import { DISAGREEMENT_COLORS, DisagreementClass } from '../disagreement/style.ts';
import { DISTANCE_BINS, distanceLabelInfo, distanceLabels } from './distanceLayer.ts';

describe('distance-coloured disagreement layer', () => {
  it('bins FP/FN voxels by distance and keeps TP and background', () => {
    const codes = [
      0,
      OverlapCode.TP,
      OverlapCode.FP,
      OverlapCode.FP,
      OverlapCode.FN,
      OverlapCode.FN,
    ];
    const dist = [0, 0, 0.1, 9, 4.9, Infinity];
    expect([...distanceLabels(codes, dist, 8)]).toEqual([0, 1, 10, 17, 34, 37]);
  });

  it('names every label it writes, from the boundary colour to the gross colour', () => {
    const info = distanceLabelInfo(8);
    expect(info).toHaveLength(1 + 2 * DISTANCE_BINS);
    const byLabel = new Map(info.map((l) => [l.label, l]));
    for (const l of distanceLabels([1, 2, 2, 3, 3], [0, 0, 100, 0, 100], 8))
      expect(byLabel.has(l)).toBe(true);
    expect(byLabel.get(10)?.name).toBe('FP 0.0–1.0 mm');
    expect(byLabel.get(37)?.name).toBe('FN ≥ 7.0 mm');
    // first FP bin is near the boundary colour, last near the gross colour
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 12);
    expect(
      near(byLabel.get(10)!.color!, DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveBoundary]),
    ).toBe(true);
    expect(
      near(byLabel.get(17)!.color!, DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross]),
    ).toBe(true);
  });
});
