/**
 * `concord cohort` (docs/cohort.md): evaluates every case of a cases file (locally, on worker
 * threads, or as BullMQ jobs), then aggregates the per-case reports into cohort.json
 * (`concord.cohort/v1`, validated before it is written), cohort.csv and cohort.pdf.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidInputError } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import {
  aggregateCohort,
  cohortProblems,
  type CohortCaseInputs,
  type CohortCaseResult,
  type CohortReport,
} from '@concord/metrics/cohort';
import packageJson from '../../../package.json' with { type: 'json' };
import type { MatchOption } from '../../options.ts';
import { readCasesFile, type CaseSpec, type CasesFile } from './casesFile.ts';
import { runLocal, type PendingCase } from './localPool.ts';
import {
  caseKey,
  isDone,
  readRecord,
  writeAtomic,
  recordFile,
  type CaseRecord,
  type CaseRunOptions,
} from './runCase.ts';

export interface CohortOptions {
  cases: string;
  out: string;
  /** model manifests (the models run inference) */
  model?: string[];
  workers?: number;
  queue?: string;
  tolerance: number[];
  bootstrap: number;
  seed: number;
  groupBy?: string;
  match?: MatchOption;
  /** write cohort.pdf (default true) */
  pdf?: boolean;
  /** progress bar (default: when stderr is a TTY) */
  progress?: boolean;
}

/** Worst case rows drawn with their key slice in cohort.pdf. */
const KEY_SLICES = 4;

export const COHORT_FILES = { json: 'cohort.json', csv: 'cohort.csv', pdf: 'cohort.pdf' } as const;

/** Model names of --model manifests: the file name without .json. */
export function modelNamesOf(manifests: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of manifests) out[path.basename(m).replace(/\.json$/i, '')] = path.resolve(m);
  return out;
}

/** A progress bar with cases/min and ETA, drawn on stderr only when it is a TTY. */
export function caseProgress(total: number, enabled: boolean) {
  if (!enabled || total === 0) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' cohort |{bar}| {value}/{total} cases | {rate} cases/min | ETA {eta_formatted} | failed {failed}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  let done = 0;
  let failed = 0;
  bar.start(total, 0, { rate: '-', failed: 0 });
  return {
    tick: (r: CaseRecord) => {
      done++;
      if (r.status === 'failed') failed++;
      const min = (Date.now() - start) / 60000;
      bar.update(done, { rate: (done / Math.max(min, 1e-9)).toFixed(1), failed });
    },
    stop: () => bar.stop(),
  };
}

export interface CohortPlan {
  file: CasesFile;
  runOptions: CaseRunOptions;
  keys: Map<string, string>;
  /** cases to run (not finished with these inputs) */
  pending: PendingCase[];
  /** cases whose inputs could not be read (recorded failed, not run) */
  unreadable: CaseRecord[];
  skipped: number;
}

/** Reads the cases file, hashes every case's inputs and finds what is left to run. */
export async function planCohort(o: CohortOptions): Promise<CohortPlan> {
  const manifests = o.model?.length ? modelNamesOf(o.model) : undefined;
  const file = readCasesFile(o.cases, manifests ? Object.keys(manifests) : []);
  if (o.groupBy && !file.metadataColumns.includes(o.groupBy))
    throw new InvalidInputError(
      `--group-by ${o.groupBy}: no such metadata column in ${o.cases} (columns: ${file.metadataColumns.join(', ') || 'none'})`,
    );
  const out = path.resolve(o.out);
  await mkdir(out, { recursive: true });
  const runOptions: CaseRunOptions = {
    out,
    modelManifests: manifests,
    tolerancesMm: o.tolerance,
    match: o.match,
  };
  const keys = new Map<string, string>();
  const pending: PendingCase[] = [];
  const unreadable: CaseRecord[] = [];
  let skipped = 0;
  for (const spec of file.cases) {
    let key: string;
    try {
      key = await caseKey(spec, runOptions);
    } catch (e) {
      const record: CaseRecord = {
        id: spec.id,
        key: '',
        status: 'failed',
        error: (e as Error).message,
        reports: {},
      };
      await writeAtomic(recordFile(out, spec.id), JSON.stringify(record, null, 2) + '\n');
      unreadable.push(record);
      continue;
    }
    keys.set(spec.id, key);
    if (isDone(await readRecord(out, spec.id), key, out)) skipped++;
    else pending.push({ spec, key });
  }
  return { file, runOptions, keys, pending, unreadable, skipped };
}

/**
 * Where the case's inputs are, relative to the cohort folder (`/`-separated): what the
 * viewer's cohort view opens the case with (docs/cohort.md#cohort-view).
 */
export function caseInputs(
  spec: CaseSpec,
  out: string,
  models: readonly string[],
  inferred: boolean,
): CohortCaseInputs {
  const rel = (p: string) => path.relative(out, p).split(path.sep).join('/');
  return {
    image: spec.image ? rel(spec.image) : null,
    reference: rel(spec.reference),
    predictions: Object.fromEntries(
      models.map((m) => [
        m,
        inferred
          ? path.posix.join('cases', spec.id, `prediction-${m}.nii.gz`)
          : rel(spec.predictions[m]),
      ]),
    ),
  };
}

/** Reads back every case's record; a record of other inputs than these counts as failed. */
async function collect(plan: CohortPlan): Promise<CohortCaseResult[]> {
  const out = plan.runOptions.out;
  const results: CohortCaseResult[] = [];
  for (const spec of plan.file.cases) {
    const key = plan.keys.get(spec.id);
    const record = await readRecord(out, spec.id);
    const base = {
      id: spec.id,
      metadata: spec.metadata,
      reports: {},
      loaded: {},
      inputs: caseInputs(spec, out, plan.file.models, Boolean(plan.runOptions.modelManifests)),
    };
    if (!record) results.push({ ...base, status: 'failed', error: 'no result was written' });
    else if (key === undefined || record.key !== key)
      results.push({
        ...base,
        status: 'failed',
        error:
          record.status === 'failed' && record.error
            ? record.error
            : 'the result on disk is of other inputs',
      });
    else if (record.status === 'failed')
      results.push({ ...base, status: 'failed', error: record.error });
    else {
      const loaded: Record<string, EvaluationReport> = {};
      for (const [m, rel] of Object.entries(record.reports))
        loaded[m] = JSON.parse(readFileSync(path.join(out, rel), 'utf8')) as EvaluationReport;
      results.push({ ...base, status: 'ok', error: null, reports: record.reports, loaded });
    }
  }
  return results;
}

export interface CohortRunResult {
  cohort: CohortReport;
  files: string[];
  ran: number;
  skipped: number;
  /** cases not run because an input could not be read */
  unreadable: number;
}

/** Aggregates the records on disk and writes cohort.json, cohort.csv and cohort.pdf. */
export async function writeCohort(
  plan: CohortPlan,
  o: CohortOptions,
): Promise<{ cohort: CohortReport; files: string[] }> {
  const results = await collect(plan);
  const cohort = aggregateCohort(results, {
    models: plan.file.models,
    tolerancesMm: o.tolerance,
    resamples: o.bootstrap,
    seed: o.seed,
    groupBy: o.groupBy,
    tool: { name: 'concord', version: packageJson.version },
  });
  const problems = cohortProblems(cohort);
  if (problems.length) throw new Error(`internal: cohort breaks its schema: ${problems[0]}`);
  const out = plan.runOptions.out;
  const { writeCohortCsv } = await import('@concord/reports');
  const files = [path.join(out, COHORT_FILES.json), path.join(out, COHORT_FILES.csv)];
  await writeAtomic(files[0], JSON.stringify(cohort, null, 2) + '\n');
  await writeAtomic(
    files[1],
    writeCohortCsv(
      results.map((r) => ({ id: r.id, metadata: r.metadata, reports: r.loaded })),
      plan.file.models,
      plan.file.metadataColumns,
    ),
  );
  if (o.pdf !== false) {
    const { writeCohortPdf, worstCases } = await import('@concord/reports');
    const { keySlices } = await import('./keySlices.ts');
    const input = { cohort, cases: results.map((r) => ({ id: r.id, reports: r.loaded })) };
    const slices = await keySlices(
      worstCases(input, KEY_SLICES),
      new Map(plan.file.cases.map((c) => [c.id, c])),
      out,
      Boolean(plan.runOptions.modelManifests),
    );
    const pdf = await writeCohortPdf({ ...input, keySlices: slices });
    const file = path.join(out, COHORT_FILES.pdf);
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, pdf);
    await rename(tmp, file);
    files.push(file);
  }
  return { cohort, files };
}

/** `concord cohort` without --queue: runs the pending cases here, then writes the cohort. */
export async function runCohort(o: CohortOptions): Promise<CohortRunResult> {
  const plan = await planCohort(o);
  const progress = caseProgress(plan.pending.length, o.progress ?? Boolean(process.stderr.isTTY));
  try {
    await runLocal(plan.pending, plan.runOptions, o.workers ?? 1, progress.tick);
  } finally {
    progress.stop();
  }
  const { cohort, files } = await writeCohort(plan, o);
  return {
    cohort,
    files,
    ran: plan.pending.length,
    skipped: plan.skipped,
    unreadable: plan.unreadable.length,
  };
}

/** One line on stdout, the failed cases on stderr; the exit code (0 all ok, 1 some failed). */
export function reportOutcome(r: CohortRunResult, out: string): number {
  const s = r.cohort.summary;
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const models = s.models
    .map((m) => `${m.model}: mean Dice ${fmt(m.meanDice)}, pooled ${fmt(m.pooledDice)}`)
    .join('; ');
  process.stdout.write(
    `${s.cases} cases: ${s.ok} ok, ${s.failed} failed (${r.ran} run, ${r.skipped} unchanged and skipped${r.unreadable ? `, ${r.unreadable} with unreadable inputs` : ''}); ${models}; wrote ${r.files.map((f) => path.basename(f)).join(', ')} to ${out}\n`,
  );
  for (const c of r.cohort.cases)
    if (c.status === 'failed')
      process.stderr.write(`concord cohort: case ${c.id} failed: ${c.error}\n`);
  return s.failed ? 1 : 0;
}
