import { describe, expect, it } from 'vitest';
import {
  boundaryGrossVolumes,
  classifyDisagreement,
  confusionMatrixMl,
  DISAGREEMENT_COLORS,
  DisagreementClass,
  distanceColor,
  extractSlice,
  OverlapCode,
  paintDisagreementSlice,
  rankWorstSlices,
  stepWorstSlice,
  topConfusions,
  volumetricBias,
  largestBiasRows,
} from '../index.ts';

describe('boundary vs gross errors', () => {
  const codes = [
    OverlapCode.TP,
    OverlapCode.FP,
    OverlapCode.FP,
    OverlapCode.FN,
    OverlapCode.FN,
    OverlapCode.Background,
  ];
  const dist = [0, 1, 2.5, 2, 4, 99];
  it('classifies FP/FN by distance to the reference surface with τ inclusive', () => {
    expect(Array.from(classifyDisagreement(codes, dist, 2))).toEqual([
      DisagreementClass.TruePositive,
      DisagreementClass.FalsePositiveBoundary,
      DisagreementClass.FalsePositiveGross,
      DisagreementClass.FalseNegativeBoundary,
      DisagreementClass.FalseNegativeGross,
      DisagreementClass.None,
    ]);
  });
  it('reports the volumes in mL for the voxel size', () => {
    // one distance per FP/FN voxel, in order
    const disagreeing = dist.filter(
      (_, i) => codes[i] === OverlapCode.FP || codes[i] === OverlapCode.FN,
    );
    expect(boundaryGrossVolumes(codes, disagreeing, 2, 500)).toEqual({
      fpBoundaryMl: 0.5,
      fpGrossMl: 0.5,
      fnBoundaryMl: 0.5,
      fnGrossMl: 0.5,
    });
  });
});

describe('worst slices', () => {
  const profile = { axis: 2 as const, fp: [0, 5, 1, 0, 7], fn: [0, 5, 0, 0, 0] };
  it('ranks slices by FP+FN, worst first, skipping clean slices', () => {
    expect(rankWorstSlices(profile)).toEqual([1, 4, 2]);
    expect(rankWorstSlices(profile, 1)).toEqual([1]);
  });
  it('steps to the next and previous worst slice, wrapping around', () => {
    const r = rankWorstSlices(profile);
    expect(stepWorstSlice(r, 0, 1)).toBe(1);
    expect(stepWorstSlice(r, 1, 1)).toBe(4);
    expect(stepWorstSlice(r, 2, 1)).toBe(1);
    expect(stepWorstSlice(r, 1, -1)).toBe(2);
    expect(stepWorstSlice(r, 3, -1)).toBe(2);
    expect(stepWorstSlice([], 3, 1)).toBeNull();
  });
});

describe('confusion matrix', () => {
  it('converts voxel counts to mL and finds the largest mix-ups', () => {
    // labels 0,1,2: reference 1 predicted as 2 in 30 voxels, 2 as 1 in 10
    const counts = [100, 1, 0, 2, 50, 30, 0, 10, 40];
    const cells = confusionMatrixMl(counts, [0, 1, 2], 2);
    expect(
      cells.find((c) => c.referenceLabel === 1 && c.predictedLabel === 2)?.volumeMl,
    ).toBeCloseTo(0.06);
    expect(topConfusions(cells, 2).map((c) => [c.referenceLabel, c.predictedLabel])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(() => confusionMatrixMl([1, 2], [0, 1], 1)).toThrow(/expected 2x2/);
  });
});

describe('volumetric bias', () => {
  it('computes hard and soft differences per model, null percent for an empty reference', () => {
    const rows = volumetricBias([
      {
        model: 'soft-dice',
        structures: [{ label: 1, name: 'A', volumeRefMl: 10, volumePredMl: 12, volumeSoftMl: 9 }],
      },
      {
        model: 'ce',
        structures: [
          { label: 1, name: 'A', volumeRefMl: 10, volumePredMl: 10.5, volumeSoftMl: 10.2 },
          { label: 2, name: 'B', volumeRefMl: 0, volumePredMl: 1 },
        ],
      },
    ]);
    expect(rows.map((r) => r.model)).toEqual(['ce', 'soft-dice', 'ce']);
    const sd = rows[1];
    expect(sd.hardDiffMl).toBeCloseTo(2);
    expect(sd.hardDiffPct).toBeCloseTo(20);
    expect(sd.softDiffMl).toBeCloseTo(-1);
    expect(sd.softDiffPct).toBeCloseTo(-10);
    expect(rows[2]).toMatchObject({ hardDiffPct: null, softMl: null, softDiffMl: null });
  });

  it('charts the structures with the largest hard-volume difference over any model', () => {
    const structures = (scale: number) =>
      Array.from({ length: 30 }, (_, i) => ({
        label: i + 1,
        name: `S${i + 1}`,
        volumeRefMl: 10,
        // model a errs most on the high labels, model b on label 1
        volumePredMl: 10 + scale * (i + 1) + (scale === 0 && i === 0 ? -50 : 0),
      }));
    const rows = volumetricBias([
      { model: 'a', structures: structures(0.1) },
      { model: 'b', structures: structures(0) },
    ]);
    const charted = largestBiasRows(rows, 4);
    expect([...new Set(charted.map((r) => r.label))]).toEqual([1, 28, 29, 30]);
    expect(charted).toHaveLength(8); // both models' rows of each, in the rows' order
    expect(charted.map((r) => `${r.label}${r.model}`).slice(0, 2)).toEqual(['1a', '1b']);
    expect(largestBiasRows(rows.slice(0, 6), 4)).toHaveLength(6); // 3 structures: all
  });
});

describe('overlay painting', () => {
  it('paints classes in the legend colours and leaves background transparent', () => {
    const rgba = paintDisagreementSlice(
      [0, DisagreementClass.FalsePositiveGross, DisagreementClass.FalseNegativeBoundary],
      0.5,
    );
    expect(rgba[3]).toBe(0);
    expect(Array.from(rgba.slice(4, 8))).toEqual([
      ...DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross],
      128,
    ]);
    expect(Array.from(rgba.slice(8, 12))).toEqual([
      ...DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeBoundary],
      128,
    ]);
  });
  it('hides classes that are toggled off', () => {
    const rgba = paintDisagreementSlice(
      [DisagreementClass.TruePositive],
      1,
      undefined,
      new Set([DisagreementClass.FalsePositiveGross]),
    );
    expect(rgba[3]).toBe(0);
  });
  it('interpolates distance colours from boundary to gross hue', () => {
    expect(distanceColor(0, 10, 'fp')).toEqual(
      DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveBoundary],
    );
    expect(distanceColor(50, 10, 'fn')).toEqual(
      DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeGross],
    );
  });
});

describe('extractSlice', () => {
  // value = i + 10 j + 100 k on a 3x2x2 volume
  const dims: [number, number, number] = [3, 2, 2];
  const data = new Float32Array(12).map(
    (_, n) => (n % 3) + 10 * (Math.floor(n / 3) % 2) + 100 * Math.floor(n / 6),
  );
  it('returns axial, coronal and sagittal slices in storage order', () => {
    expect(Array.from(extractSlice(data, dims, 2, 1).values)).toEqual([
      100, 101, 102, 110, 111, 112,
    ]);
    expect(Array.from(extractSlice(data, dims, 1, 1).values)).toEqual([10, 11, 12, 110, 111, 112]);
    expect(extractSlice(data, dims, 0, 2)).toMatchObject({ width: 2, height: 2 });
    expect(Array.from(extractSlice(data, dims, 0, 2).values)).toEqual([2, 12, 102, 112]);
    expect(() => extractSlice(data, dims, 2, 2)).toThrow(RangeError);
  });
});
