/**
 * Cross-check against an independent implementation: numpy/scipy on real atlas labels with
 * realistic perturbations (tests/fixtures/metrics/generate.py writes the inputs and expected
 * values). Overlap metrics must match to 1e-6, distances to 1e-3 mm.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignToReference, readNiftiLabels } from '@concord/core';
import {
  buildReport,
  computeMetrics,
  reportProblems,
  type StructureMetrics,
} from '@concord/metrics';

const FIXTURES = path.resolve('tests/fixtures/metrics');

interface Expected {
  reference: string;
  prediction: string;
  dims: number[];
  spacing: number[];
  tolerancesMm: number[];
  structures: (Omit<StructureMetrics, 'name' | 'surfaceRefVoxels' | 'surfacePredVoxels'> & {
    surfaceRefVoxels?: number;
    surfacePredVoxels?: number;
  })[];
}

const cases = JSON.parse(readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as {
  cases: string[];
};

const OVERLAP = ['dice', 'jaccard', 'precision', 'recall', 'specificity'] as const;
const VOLUMES = ['volumeRefMl', 'volumePredMl', 'volumeDiffMl', 'volumeDiffPct'] as const;
const DISTANCES = ['hd', 'hd95', 'assd'] as const;

function close(actual: number | null, expected: number | null, tol: number, what: string) {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol,
  );
}

describe.each(cases.cases)('numpy/scipy cross-check: %s', (name) => {
  const expected = JSON.parse(
    readFileSync(path.join(FIXTURES, `${name}-expected.json`), 'utf8'),
  ) as Expected;
  const reference = readNiftiLabels(readFileSync(path.join(FIXTURES, expected.reference)));
  const prediction = alignToReference(
    readNiftiLabels(readFileSync(path.join(FIXTURES, expected.prediction))),
    reference,
  );
  const result = computeMetrics(reference, prediction, { tolerancesMm: expected.tolerancesMm });

  it('reads the fixture grid as scipy saw it', () => {
    expect(reference.dims).toEqual(expected.dims);
    reference.spacing.forEach((s, i) => expect(s).toBeCloseTo(expected.spacing[i], 9));
    expect(result.structures.map((s) => s.label)).toEqual(expected.structures.map((s) => s.label));
  });

  it.each(expected.structures.map((s) => [s.label, s] as const))(
    'label %i matches (1e-6 overlap, 1e-3 mm distances)',
    (label, want) => {
      const got = result.structures.find((s) => s.label === label)!;
      expect(got.status).toBe(want.status);
      expect([got.tp, got.fp, got.fn, got.tn]).toEqual([want.tp, want.fp, want.fn, want.tn]);
      for (const k of OVERLAP) close(got[k], want[k], 1e-6, `${label} ${k}`);
      for (const k of VOLUMES) close(got[k], want[k], 1e-6, `${label} ${k}`);
      for (const k of DISTANCES) close(got[k], want[k], 1e-3, `${label} ${k}`);
      for (const t of Object.keys(want.nsd))
        close(got.nsd[t], want.nsd[t], 1e-6, `${label} nsd@${t}`);
      if (want.surfaceRefVoxels !== undefined) {
        expect([got.surfaceRefVoxels, got.surfacePredVoxels]).toEqual([
          want.surfaceRefVoxels,
          want.surfacePredVoxels,
        ]);
      }
    },
  );

  it('emits a report that validates against the shipped schema', () => {
    const report = buildReport({
      result,
      reference: { kind: 'nifti', source: expected.reference },
      prediction: { kind: 'nifti', source: expected.prediction },
    });
    expect(reportProblems(JSON.parse(JSON.stringify(report)))).toEqual([]);
  });
});
