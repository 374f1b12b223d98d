import { readFileSync } from 'node:fs';
import { describe as suite, expect, it } from 'vitest';
import { blandAltman, olsRegression } from './agreement.ts';
import { bootstrapCi, bootstrapMeans } from './bootstrap.ts';
import { drawIndex, mulberry32 } from './prng.ts';
import { mean, median, q1, q3, sd } from './stats.ts';
import { erfc, signedRankCounts, wilcoxonSignedRank } from './wilcoxon.ts';
import { aggregateCohort, type CohortCaseResult } from './aggregate.ts';
import { cohortProblems } from './validate.ts';
import type { EvaluationReport } from '../report/report.ts';

suite('descriptive statistics', () => {
  it('mean, sd (ddof 1), median and quartiles (numpy linear)', () => {
    const v = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(mean(v)).toBe(3.875);
    expect(sd(v)).toBeCloseTo(2.748376143938713, 14); // np.std(v, ddof=1)
    expect(median(v)).toBe(3.5);
    expect(q1(v)).toBe(1.75); // np.percentile(v, 25)
    expect(q3(v)).toBe(5.25);
    expect(sd([1])).toBeNull();
    expect(mean([])).toBeNull();
  });
});

suite('seeded bootstrap', () => {
  it('mulberry32 gives the reference sequence for seed 1', () => {
    // pinned: another sequence would silently change every published interval (the numpy
    // script of tests/fixtures/cohort reproduces the generator independently)
    const next = mulberry32(1);
    const first = [next(), next(), next()];
    expect(first.map((u) => u / 2 ** 32)).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
    expect(drawIndex(mulberry32(1), 10)).toBe(6);
  });

  it('the interval brackets the mean, is reproducible and changes with the seed', () => {
    const v = [0.8, 0.85, 0.9, 0.7, 0.95, 0.6, 0.88];
    const a = bootstrapCi(v, { resamples: 500, seed: 7 })!;
    expect(a[0]).toBeLessThan(mean(v)!);
    expect(a[1]).toBeGreaterThan(mean(v)!);
    expect(bootstrapCi(v, { resamples: 500, seed: 7 })).toEqual(a);
    expect(bootstrapCi(v, { resamples: 500, seed: 8 })).not.toEqual(a);
    expect(bootstrapMeans(v, { resamples: 3, seed: 1 })).toHaveLength(3);
    expect(bootstrapCi([1])).toBeNull();
  });
});

suite('volume agreement', () => {
  it('Bland–Altman and OLS on known data', () => {
    const ref = [1, 2, 3, 4];
    const pred = [1.5, 2.5, 2.5, 4.5]; // diffs .5 .5 -.5 .5
    const ba = blandAltman(ref, pred);
    expect(ba.bias).toBe(0.25);
    expect(ba.sd).toBeCloseTo(0.5, 12);
    expect(ba.loaHigh).toBeCloseTo(0.25 + 1.96 * 0.5, 12);
    const exact = olsRegression([1, 2, 3], [3, 5, 7]);
    expect(exact).toEqual({ slope: 2, intercept: 1, r2: 1 });
    expect(olsRegression([2, 2], [1, 3]).slope).toBeNull();
  });
});

suite('Wilcoxon signed-rank (scipy.stats.wilcoxon, values from scipy 1.10)', () => {
  it('exact without ties or zeros', () => {
    const r = wilcoxonSignedRank([0.1, -0.2, 0.3, 0.4, 0.5, -0.05, 0.7])!;
    expect(r.method).toBe('exact');
    expect(r.statistic).toBe(4);
    expect(r.p).toBe(0.109375);
  });

  it("normal approximation with zeros dropped ('wilcox') and tie-corrected variance", () => {
    const r = wilcoxonSignedRank([0.1, -0.2, 0.3, 0.4, 0.5, -0.05, 0.7, 0, 0.1])!;
    expect(r.method).toBe('approx');
    expect(r.statistic).toBe(5);
    expect(r.p).toBeCloseTo(0.06836413860052828, 14);
    expect(wilcoxonSignedRank([0, 0])).toBeNull();
  });

  it('the exact null distribution sums to 2^n; erfc matches scipy.special.erfc', () => {
    expect(signedRankCounts(10).reduce((a, b) => a + b)).toBe(1024);
    const scipy: [number, number][] = [
      [0.1, 0.8875370839817152],
      [1, 0.15729920705028516],
      [1.99, 0.004888586800383002],
      [2.5, 0.00040695201744495886],
      [5, 1.5374597944280347e-12],
    ];
    for (const [x, y] of scipy) expect(Math.abs(erfc(x) - y) / y).toBeLessThan(1e-13);
  });
});

suite('concord.cohort/v1', () => {
  const row = (label: number, dice: number, status = 'ok') => ({
    label,
    name: `S${label}`,
    status,
    tp: 10,
    fp: 2,
    fn: 1,
    dice,
    jaccard: dice / (2 - dice),
    hd95: status === 'ok' ? 2 : null,
    assd: status === 'ok' ? 1 : null,
    nsd: { '1': 0.9 },
    volumeRefMl: 1 + dice,
    volumePredMl: 1.1 + dice * 0.9,
    volumeDiffMl: 0.1 - dice * 0.1,
  });
  const caseOf = (id: string, dices: number[]): CohortCaseResult => ({
    id,
    status: 'ok',
    error: null,
    metadata: { site: id < 'c' ? 'A' : 'B' },
    reports: { m: `cases/${id}/report-m.json` },
    loaded: {
      m: {
        structures: dices.map((d, i) => row(i + 1, d, d === 1 ? 'both-empty' : 'ok')),
      } as unknown as EvaluationReport,
    },
  });

  it('aggregates, excludes both-empty rows, and validates', () => {
    const cases = [caseOf('a', [0.8, 1]), caseOf('b', [0.9, 0.5]), caseOf('c', [0.7, 0.6])];
    cases.push({ id: 'd', status: 'failed', error: 'x', metadata: {}, reports: {}, loaded: {} });
    const c = aggregateCohort(cases, {
      models: ['m'],
      tolerancesMm: [1],
      resamples: 100,
      groupBy: 'site',
      tool: { name: 'concord', version: 'test' },
    });
    expect(cohortProblems(c)).toEqual([]);
    const s2 = c.structures.find((s) => s.label === 2 && s.group === null)!;
    expect(s2.n).toBe(2); // case a's both-empty row left out
    expect(s2.metrics.dice.mean).toBeCloseTo(0.55, 12);
    expect(c.structures.filter((s) => s.group?.value === 'A')).toHaveLength(2);
    expect(c.summary).toMatchObject({ cases: 4, ok: 3, failed: 1, failedCases: ['d'] });
    expect(cohortProblems({ ...c, schema: 'x' })).not.toEqual([]);
  });

  it('the committed schema and validator are current', async () => {
    const { generateSchema, generateValidator, SCHEMA_FILE, VALIDATOR_FILE } =
      await import('../../scripts/generate-cohort-schema.ts');
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateSchema());
    expect(readFileSync(VALIDATOR_FILE, 'utf8')).toBe(await generateValidator());
  });
});
