/**
 * Lesion-wise evaluation, volume similarity and centroid offset against an independent
 * numpy/scipy implementation (tests/fixtures/lesions/generate.py: scipy.ndimage.label with the
 * 26- and 6-connected structures): touching lesions, a lesion split in two, two merged in one,
 * missed and false lesions, empty sides and a matching tie, on an oblique anisotropic grid.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNiftiLabels } from '@concord/core';
import {
  buildReport,
  computeMetrics,
  computeOverlap,
  reportProblems,
  type LesionMatchMode,
  type StructureLesions,
} from '@concord/metrics';

const FIXTURES = path.resolve('tests/fixtures/lesions');

interface Expected {
  reference: string;
  prediction: string;
  structures: Record<string, { volumeSimilarity: number; centroidOffsetMm: number | null }>;
  configs: {
    connectivity: 6 | 26;
    match: LesionMatchMode;
    lesions: Record<string, StructureLesions>;
  }[];
}

const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
const reference = readNiftiLabels(readFileSync(path.join(FIXTURES, expected.reference)));
const prediction = readNiftiLabels(readFileSync(path.join(FIXTURES, expected.prediction)));
const labels = Object.keys(expected.structures).map(Number);

/** Exact for integers and null; floats to `tol`. */
function same(actual: unknown, want: unknown, what: string, tol = 1e-12): void {
  if (typeof want === 'number' && !Number.isInteger(want)) {
    expect(typeof actual, what).toBe('number');
    expect(
      Math.abs((actual as number) - want),
      `${what}: ${String(actual)} vs ${want}`,
    ).toBeLessThanOrEqual(tol);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(actual), what).toBe(true);
    want.forEach((w, i) => same((actual as unknown[])[i], w, `${what}[${i}]`, tol));
  } else {
    expect(actual, what).toEqual(want);
  }
}

describe('volume similarity and centroid offset vs numpy/scipy', () => {
  it.each(labels)('label %i', (label) => {
    const s = computeMetrics(reference, prediction).structures.find((x) => x.label === label)!;
    const want = expected.structures[String(label)];
    same(s.volumeSimilarity, want.volumeSimilarity, 'volumeSimilarity');
    same(s.centroidOffsetMm, want.centroidOffsetMm, 'centroidOffsetMm', 1e-6);
  });
});

describe.each(expected.configs)(
  'lesions vs scipy.ndimage.label: $connectivity-connected, $match',
  (config) => {
    const instances = { labels, connectivity: config.connectivity, match: config.match };
    const result = computeMetrics(reference, prediction, { instances });
    const overlapOnly = computeOverlap(reference, prediction, { instances });

    it.each(labels)('label %i', (label) => {
      const want = expected.configs.find((c) => c === config)!.lesions[String(label)];
      const got = result.structures.find((x) => x.label === label)!.lesions!;
      expect(got, 'lesions').toBeDefined();
      const { lesions: wantRows, ...wantSummary } = want;
      const { lesions: gotRows, ...gotSummary } = got;
      for (const [k, v] of Object.entries(wantSummary))
        same(gotSummary[k as keyof typeof gotSummary], v, k);
      expect(Object.keys(gotSummary).sort()).toEqual(Object.keys(wantSummary).sort());
      expect(gotRows.length, 'rows').toBe(wantRows.length);
      wantRows.forEach((w, i) => {
        for (const [k, v] of Object.entries(w)) {
          same(
            gotRows[i][k as keyof (typeof gotRows)[number]],
            v,
            `row ${i} ${k}`,
            k === 'centroidMm' ? 1e-6 : 1e-12,
          );
        }
      });
      // the same lesions without the union boxes of computeMetrics (whole-grid components)
      expect(overlapOnly.structures.find((x) => x.label === label)!.lesions).toEqual(got);
    });

    it('writes a report that validates against concord.report/v1', () => {
      const report = buildReport({
        result,
        reference: { kind: 'nifti', source: 'reference.nii.gz' },
        prediction: { kind: 'nifti', source: 'prediction.nii.gz' },
      });
      expect(reportProblems(report)).toEqual([]);
      expect(report.structures.filter((s) => s.lesions).length).toBe(labels.length);
    });
  },
);

describe('instance options', () => {
  it('warns about an instance label that is not evaluated, and rejects bad options', () => {
    const r = computeMetrics(reference, prediction, { instances: { labels: [1, 99] } });
    expect(r.warnings).toContain(
      'instance label 99 is not an evaluated structure: no lesion-wise evaluation',
    );
    expect(r.structures.find((s) => s.label === 2)!.lesions).toBeUndefined();
    expect(() =>
      computeMetrics(reference, prediction, {
        instances: { labels: [1], connectivity: 8 as 6 },
      }),
    ).toThrow('connectivity must be 6 or 26 (got 8)');
    expect(() =>
      computeMetrics(reference, prediction, { instances: { labels: [1], iouThreshold: 1 } }),
    ).toThrow('IoU threshold must be in [0, 1)');
  });
});
