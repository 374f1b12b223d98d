import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../engine/metrics.ts';
import { box, grid, sphere, volume } from '../engine/testing/volumes.ts';
import { buildReport, finiteOnly } from './report.ts';
import { isValidReport, reportProblems } from './validate.ts';

function sampleReport() {
  const g = grid([12, 12, 10], [0.9, 0.9, 2.5], { frameOfReferenceUID: '1.2.3' });
  const ref = volume(
    g,
    (i, j, k) => sphere([5, 5, 4], 3.5, 1)(i, j, k) || box([9, 9, 1], [10, 10, 2], 2)(i, j, k),
  );
  const pred = volume(
    g,
    (i, j, k) => sphere([6, 5, 4], 3, 1)(i, j, k) || box([0, 10, 8], [1, 11, 9], 3)(i, j, k),
  );
  const p1 = new Float32Array(ref.data.length).map((_, o) => (pred.data[o] === 1 ? 0.9 : 0.05));
  const result = computeMetrics(ref, pred, {
    labels: [1, 2, 3, 4],
    tolerancesMm: [0.5, 1, 2.5],
    probabilities: { 1: p1 },
    labelNames: { 1: 'Left, "kidney"', 3: '=HYPERLINK("x")' },
  });
  return buildReport({
    result,
    reference: { kind: 'nifti', source: 'ref.nii.gz' },
    prediction: {
      kind: 'model',
      source: 'model.onnx',
      backend: 'wasm',
      inferenceMs: 12.5,
      model: { name: 'm', version: '1.0.0', sha256: 'a'.repeat(64) },
    },
    case: { studyInstanceUID: '1.2.840.1' },
    generatedAt: new Date('2026-11-22T06:00:00Z'),
  });
}

describe('concord.report/v1', () => {
  it('fills every field and validates against the shipped schema', () => {
    const report = sampleReport();
    expect(reportProblems(report)).toEqual([]);
    expect(report).toMatchObject({
      schema: 'concord.report/v1',
      generatedAt: '2026-11-22T06:00:00.000Z',
      tool: { name: 'concord' },
      case: { studyInstanceUID: '1.2.840.1', seriesInstanceUID: null },
      grid: { dims: [12, 12, 10], spacing: [0.9, 0.9, 2.5], frameOfReferenceUID: '1.2.3' },
      definitions: { surface: '6-connected', percentile: 'linear', tolerancesMm: [0.5, 1, 2.5] },
    });
    expect(report.structures.map((s) => s.status)).toEqual([
      'ok',
      'prediction-empty',
      'reference-empty',
      'both-empty',
    ]);
    expect(report.structures[0].softDice).toBeGreaterThan(0);
    expect(Object.keys(report.structures[0].nsd).sort()).toEqual(['0.5', '1', '2.5']);
    // JSON round trip keeps everything (no NaN/Infinity to lose)
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(text)).toEqual(report);
  });

  it('rejects reports that break the contract', () => {
    const report = sampleReport();
    expect(isValidReport({ ...report, schema: 'concord.report/v2' })).toBe(false);
    const bad = structuredClone(report);
    bad.structures[0].dice = 1.5;
    expect(reportProblems(bad).join()).toMatch(/structures\/0\/dice/);
    const missing = structuredClone(report) as Partial<typeof report>;
    delete missing.summary;
    expect(isValidReport(missing)).toBe(false);
  });

  it('replaces non-finite numbers with null', () => {
    expect(finiteOnly({ a: NaN, b: [1, Infinity], c: { d: -Infinity, e: 2 } })).toEqual({
      a: null,
      b: [1, null],
      c: { d: null, e: 2 },
    });
  });
});

describe('generated schema and validator', () => {
  it('the committed report.schema.json and validator are generated from the registry', async () => {
    const { generateSchema, generateValidator, SCHEMA_FILE, VALIDATOR_FILE } =
      await import('../../scripts/generate-report-schema.ts');
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateSchema());
    expect(readFileSync(VALIDATOR_FILE, 'utf8')).toBe(await generateValidator());
  });
});
