/**
 * `concord cohort` end to end (docs/cohort.md) on the committed fixture cohort
 * (tests/fixtures/cohort, generate.py): aggregates equal to the numpy/scipy recomputation
 * (aggregate.py, same bootstrap scheme and seed), per-case reports equal to `concord metrics`,
 * failures recorded and listed, unchanged cases skipped, changed ones re-run.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from '@concord/metrics';
import { cohortProblems, type CohortReport } from '@concord/metrics/cohort';
import { runConcord, type CliRun } from '../../helpers/concord.ts';

const F = path.resolve('tests/fixtures/cohort');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-cohort-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RESAMPLES = 1000;
const SEED = 15;

const readJson = <T>(f: string) => JSON.parse(readFileSync(f, 'utf8')) as T;

/** Compares numbers to 1e-12 relative, everything else exactly; returns the paths that differ. */
function differences(expected: unknown, actual: unknown, at = ''): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const rel = Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
    return rel <= 1e-12 ? [] : [`${at}: ${expected} vs ${actual}`];
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object')
      return [`${at}: ${JSON.stringify(expected)} vs ${actual}`];
    return Object.keys(expected).flatMap((k) =>
      differences(
        (expected as Record<string, unknown>)[k],
        (actual as Record<string, unknown>)[k],
        `${at}.${k}`,
      ),
    );
  }
  return expected === actual ? [] : [`${at}: ${String(expected)} vs ${String(actual)}`];
}

describe('concord cohort (fixture cohort, 5 cases x 2 models)', () => {
  const out = path.join(tmp, 'run');
  let run: CliRun;
  let cohort: CohortReport;
  beforeAll(async () => {
    run = await runConcord([
      'cohort',
      '--cases',
      path.join(F, 'cases.csv'),
      '--out',
      out,
      '--group-by',
      'site',
      '--bootstrap',
      String(RESAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '2',
    ]);
    cohort = readJson<CohortReport>(path.join(out, 'cohort.json'));
  });

  it('exits 0 and writes a cohort.json that validates, a CSV row per case x structure x model and a PDF', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^5 cases: 5 ok, 0 failed \(5 run, 0 unchanged and skipped\)/);
    expect(cohortProblems(cohort)).toEqual([]);
    expect(cohort.models).toEqual(['a', 'b']);
    const csv = readFileSync(path.join(out, 'cohort.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^case_id,model,site,label,name,status,tp,fp,fn,tn,dice,/);
    expect(csv).toHaveLength(1 + 5 * 2 * 2);
    const text = execFileSync('pdftotext', [path.join(out, 'cohort.pdf'), '-'], {
      encoding: 'utf8',
    });
    expect(text).toContain('Concord cohort report');
    expect(text).toContain('Bland–Altman');
    expect(text).toContain('Worst cases');
    expect(text).toContain('Key slices of the worst cases');
  });

  it('aggregates equal the numpy/scipy recomputation (bootstrap reproduced with the same seed)', () => {
    const py = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-W',
          'ignore',
          path.join(F, 'aggregate.py'),
          path.join(out, 'cohort.csv'),
          String(RESAMPLES),
          String(SEED),
          'site',
        ],
        { encoding: 'utf8' },
      ),
    ) as { structures: unknown[]; paired: unknown[]; summary: { models: unknown[] } };
    expect(py.structures).toHaveLength(cohort.structures.length);
    expect(py.paired).toHaveLength(cohort.paired.length);
    expect(differences(py.structures, cohort.structures)).toEqual([]);
    expect(differences(py.paired, cohort.paired)).toEqual([]);
    expect(differences(py.summary.models, cohort.summary.models)).toEqual([]);
    // the fixture exercises both Wilcoxon branches and a missed structure
    const methods = new Set(
      cohort.paired.flatMap((p) => Object.values(p.metrics).map((m) => m.wilcoxonMethod)),
    );
    expect(methods).toEqual(new Set(['exact', 'approx']));
  });

  it('per-case reports equal `concord metrics` on the same files', async () => {
    const pairs = [
      ['case03', 'a'],
      ['case04', 'b'],
    ] as const;
    const runs = await Promise.all(
      pairs.map(([c, m]) =>
        runConcord([
          'metrics',
          '--reference',
          path.join(F, `${c}-reference.nii.gz`),
          '--prediction',
          path.join(F, `${c}-prediction-${m}.nii.gz`),
        ]),
      ),
    );
    pairs.forEach(([c, m], i) => {
      expect(runs[i].code).toBe(0);
      const single = JSON.parse(runs[i].stdout) as EvaluationReport;
      const fromCohort = readJson<EvaluationReport>(
        path.join(out, cohort.cases.find((x) => x.id === c)!.reports[m]),
      );
      expect({ ...fromCohort, generatedAt: '' }).toEqual({ ...single, generatedAt: '' });
    });
  });
});

describe('concord cohort: failures, re-runs and bad input', () => {
  const dir = path.join(tmp, 'cases');
  const out = path.join(tmp, 'partial');
  const ids = ['case01', 'case02', 'case03'];
  beforeAll(() => {
    execFileSync('mkdir', ['-p', dir]);
    for (const c of ids)
      for (const f of ['reference', 'prediction-a'])
        copyFileSync(path.join(F, `${c}-${f}.nii.gz`), path.join(dir, `${c}-${f}.nii.gz`));
    writeFileSync(path.join(dir, 'broken.nii.gz'), 'not a NIfTI file');
    writeFileSync(
      path.join(dir, 'cases.csv'),
      [
        'case_id,reference,prediction,"scanner, model"',
        ...ids.map((c) => `${c},${c}-reference.nii.gz,${c}-prediction-a.nii.gz,"X, 1"`),
        'missing,case01-reference.nii.gz,nowhere.nii.gz,Y',
        'corrupt,case01-reference.nii.gz,broken.nii.gz,Y',
      ].join('\r\n'),
    );
  });

  it('records each failing case with its reason, finishes the others, exits 1 and lists them', async () => {
    const r = await runConcord([
      'cohort',
      '--cases',
      path.join(dir, 'cases.csv'),
      '--out',
      out,
      '--no-pdf',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^5 cases: 3 ok, 2 failed \(4 run, 0 unchanged and skipped, 1 with unreadable inputs\)/,
    );
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^concord cohort: case missing failed: prediction .*nowhere\.nii\.gz: no such file/,
    );
    expect(lines[1]).toMatch(/^concord cohort: case corrupt failed: .+/);
    const cohort = readJson<CohortReport>(path.join(out, 'cohort.json'));
    expect(cohort.summary.failedCases).toEqual(['missing', 'corrupt']);
    expect(cohort.cases[0].metadata).toEqual({ 'scanner, model': 'X, 1' });
    // the same per-case numbers as in the fixture run
    const rep = readJson<EvaluationReport>(path.join(out, 'cases/case02/report-prediction.json'));
    const fixture = readJson<EvaluationReport>(path.join(tmp, 'run/cases/case02/report-a.json'));
    expect(rep.structures).toEqual(fixture.structures);
  });

  it('a re-run skips unchanged finished cases and re-runs a case whose input changed', async () => {
    // case02's prediction replaced by case03's: new content, same path
    copyFileSync(
      path.join(F, 'case03-prediction-a.nii.gz'),
      path.join(dir, 'case02-prediction-a.nii.gz'),
    );
    const r = await runConcord([
      'cohort',
      '--cases',
      path.join(dir, 'cases.csv'),
      '--out',
      out,
      '--no-pdf',
    ]);
    expect(r.code).toBe(1);
    // case02 and the corrupt case run again, the missing file is reported again; case01 and
    // case03 are skipped
    expect(r.stdout).toMatch(/\(2 run, 2 unchanged and skipped, 1 with unreadable inputs\)/);
    const rep = readJson<EvaluationReport>(path.join(out, 'cases/case02/report-prediction.json'));
    const fixture = readJson<EvaluationReport>(path.join(tmp, 'run/cases/case02/report-a.json'));
    expect(rep.structures).not.toEqual(fixture.structures);
  });

  it('an invalid cases file exits 3 with one line; --status without --queue is a usage error', async () => {
    writeFileSync(path.join(dir, 'bad.csv'), 'case_id,prediction\nx,y.nii.gz\n');
    writeFileSync(path.join(dir, 'dup.csv'), 'case_id,reference,prediction\nx,a,b\nx,a,b\n');
    const [bad, dup, usage] = await Promise.all([
      runConcord(['cohort', '--cases', path.join(dir, 'bad.csv'), '--out', path.join(tmp, 'bad')]),
      runConcord(['cohort', '--cases', path.join(dir, 'dup.csv'), '--out', path.join(tmp, 'bad')]),
      runConcord(['cohort', '--status']),
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^concord: cases file .*bad\.csv: no "reference" column/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(dup.code).toBe(3);
    expect(dup.stderr).toMatch(/case_id "x" appears twice/);
    expect(usage.code).toBe(2);
  });
});
