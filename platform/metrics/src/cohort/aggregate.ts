/**
 * The cohort aggregate (`concord.cohort/v1`, docs/cohort.md): per structure and model the
 * distribution of each metric over cases, volume agreement with the reference, and for two
 * models the paired comparison. Pure: reports in, a plain object out.
 */
import type { EvaluationReport } from '../report/report.ts';
import type { StructureMetrics } from '../engine/types.ts';
import { blandAltman, olsRegression, type BlandAltman, type Regression } from './agreement.ts';
import { bootstrapCi } from './bootstrap.ts';
import { mean, median, q1, q3, sd } from './stats.ts';
import { wilcoxonSignedRank } from './wilcoxon.ts';

export const COHORT_SCHEMA_ID = 'concord.cohort/v1';

/** The per-structure metrics a cohort summarises (plus `nsd@τ` for each tolerance). */
export const COHORT_METRICS = ['dice', 'jaccard', 'hd95', 'assd', 'volumeDiffMl'] as const;

export interface MetricStats {
  /** rows that carried a value */
  n: number;
  mean: number | null;
  /** ddof = 1 */
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  /** percentile bootstrap interval of the mean */
  ci95: [number, number] | null;
}

export interface PairedStats {
  /** cases where both models carry a value */
  n: number;
  /** mean of (second model - first model) */
  meanDiff: number | null;
  ci95: [number, number] | null;
  wilcoxonP: number | null;
  wilcoxonMethod: 'exact' | 'approx' | null;
}

export interface CohortGroup {
  column: string;
  value: string;
}

export interface CohortStructure {
  label: number;
  name: string;
  model: string;
  /** null: all cases; else the cases whose metadata column has this value */
  group: CohortGroup | null;
  /** rows included (status other than both-empty) */
  n: number;
  metrics: Record<string, MetricStats>;
  volume: { n: number; blandAltman: BlandAltman; regression: Regression };
}

export interface CohortPaired {
  label: number;
  name: string;
  /** [first, second]: differences are second - first */
  models: [string, string];
  group: CohortGroup | null;
  metrics: Record<string, PairedStats>;
}

export interface CohortCase {
  id: string;
  status: 'ok' | 'failed';
  error: string | null;
  metadata: Record<string, string>;
  /** report path per model, relative to the cohort folder */
  reports: Record<string, string>;
  /**
   * The case's input files, relative to the cohort folder (`/`-separated, may start with
   * `..`): what the viewer's cohort view opens a case with. Absent in files of older runs.
   */
  inputs?: CohortCaseInputs;
}

/** Where a case's inputs are, relative to the cohort folder. */
export interface CohortCaseInputs {
  /** DICOM series folder or NIfTI volume; null when the case has none */
  image: string | null;
  reference: string;
  /** prediction file per model (with --model: the one the run wrote) */
  predictions: Record<string, string>;
}

export interface CohortModelSummary {
  model: string;
  /** mean of every included structure Dice over the ok cases */
  meanDice: number | null;
  /** sum 2TP / sum (2TP + FP + FN) over all structures of the ok cases */
  pooledDice: number | null;
}

export interface CohortDefinitions {
  metrics: string[];
  tolerancesMm: number[];
  inclusion: string;
  sd: { ddof: 1 };
  quartiles: 'linear';
  bootstrap: {
    resamples: number;
    seed: number;
    prng: 'mulberry32';
    statistic: 'mean';
    interval: 'percentile';
    level: 0.95;
  };
  wilcoxon: string;
  blandAltman: string;
  regression: string;
}

/** `concord.cohort/v1` (docs/cohort.md). */
export interface CohortReport {
  schema: typeof COHORT_SCHEMA_ID;
  tool: { name: string; version: string };
  models: string[];
  groupBy: string | null;
  definitions: CohortDefinitions;
  cases: CohortCase[];
  structures: CohortStructure[];
  paired: CohortPaired[];
  summary: {
    cases: number;
    ok: number;
    failed: number;
    failedCases: string[];
    models: CohortModelSummary[];
  };
}

export interface CohortCaseResult extends CohortCase {
  /** the loaded report per model (ok cases) */
  loaded: Record<string, EvaluationReport>;
}

export interface AggregateOptions {
  models: string[];
  tolerancesMm: number[];
  resamples?: number;
  seed?: number;
  groupBy?: string;
  tool: { name: string; version: string };
}

/** Metric keys of a cohort with these NSD tolerances. */
export function cohortMetricKeys(tolerancesMm: readonly number[]): string[] {
  return [...COHORT_METRICS, ...tolerancesMm.map((t) => `nsd@${t}`)];
}

/** The value of metric `key` in a structure row (`nsd@τ` reads the per-tolerance map). */
export function rowValue(row: StructureMetrics, key: string): number | null {
  if (key.startsWith('nsd@')) return row.nsd?.[key.slice(4)] ?? null;
  const v = (row as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Whether a row enters the cohort statistics: every status but both-empty (docs/cohort.md). */
export const includedRow = (row: StructureMetrics): boolean => row.status !== 'both-empty';

export function describe(values: readonly number[], resamples: number, seed: number): MetricStats {
  return {
    n: values.length,
    mean: mean(values),
    sd: sd(values),
    median: median(values),
    q1: q1(values),
    q3: q3(values),
    ci95: bootstrapCi(values, { resamples, seed }),
  };
}

export function paired(
  first: readonly (number | null)[],
  second: readonly (number | null)[],
  resamples: number,
  seed: number,
): PairedStats {
  const diffs: number[] = [];
  first.forEach((a, i) => {
    const b = second[i];
    if (a !== null && b !== null) diffs.push(b - a);
  });
  const w = diffs.length ? wilcoxonSignedRank(diffs) : null;
  return {
    n: diffs.length,
    meanDiff: mean(diffs),
    ci95: bootstrapCi(diffs, { resamples, seed }),
    wilcoxonP: w?.p ?? null,
    wilcoxonMethod: w?.method ?? null,
  };
}

/** Structures (label -> name) seen in the ok cases' reports, ascending by label. */
function structuresOf(cases: readonly CohortCaseResult[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const c of cases)
    for (const r of Object.values(c.loaded))
      for (const s of r.structures)
        if (!names.has(s.label) || (!names.get(s.label) && s.name)) names.set(s.label, s.name);
  return new Map([...names].sort((a, b) => a[0] - b[0]));
}

const rowOf = (c: CohortCaseResult, model: string, label: number) =>
  c.loaded[model]?.structures.find((s) => s.label === label);

export function definitions(o: AggregateOptions): CohortDefinitions {
  return {
    metrics: cohortMetricKeys(o.tolerancesMm),
    tolerancesMm: [...o.tolerancesMm],
    inclusion:
      'per structure and model, every ok case whose structure row has a status other than both-empty and a non-null value',
    sd: { ddof: 1 },
    quartiles: 'linear',
    bootstrap: {
      resamples: o.resamples ?? 2000,
      seed: o.seed ?? 1,
      prng: 'mulberry32',
      statistic: 'mean',
      interval: 'percentile',
      level: 0.95,
    },
    wilcoxon:
      "two-sided signed-rank test of second - first model; zero differences dropped (zero_method='wilcox'), average ranks for ties, no continuity correction; exact null distribution when n <= 50 with no zeros and no ties, else normal approximation with tie-corrected variance",
    blandAltman: 'differences predicted - reference volume (mL); LoA = bias +/- 1.96 sd (ddof 1)',
    regression:
      'ordinary least squares of predicted on reference volume (mL); r2 = squared Pearson r',
  };
}

/** Aggregates the cases into a `concord.cohort/v1` object (validate with cohortProblems). */
export function aggregateCohort(
  cases: readonly CohortCaseResult[],
  o: AggregateOptions,
): CohortReport {
  const resamples = o.resamples ?? 2000;
  const seed = o.seed ?? 1;
  const keys = cohortMetricKeys(o.tolerancesMm);
  const okCases = cases.filter((c) => c.status === 'ok');
  const labels = structuresOf(okCases);
  const groups: { group: CohortGroup | null; cases: CohortCaseResult[] }[] = [
    { group: null, cases: okCases },
  ];
  if (o.groupBy) {
    const values = [...new Set(okCases.map((c) => c.metadata[o.groupBy!] ?? ''))].sort();
    for (const value of values)
      groups.push({
        group: { column: o.groupBy, value },
        cases: okCases.filter((c) => (c.metadata[o.groupBy!] ?? '') === value),
      });
  }

  const structures: CohortStructure[] = [];
  const pairedOut: CohortPaired[] = [];
  for (const [label, name] of labels) {
    for (const { group, cases: gc } of groups) {
      for (const model of o.models) {
        const rows = gc.map((c) => rowOf(c, model, label)).filter((r) => r && includedRow(r));
        const metrics: Record<string, MetricStats> = {};
        for (const k of keys) {
          const values = rows.map((r) => rowValue(r!, k)).filter((v): v is number => v !== null);
          metrics[k] = describe(values, resamples, seed);
        }
        const ref = rows.map((r) => r!.volumeRefMl);
        const pred = rows.map((r) => r!.volumePredMl);
        structures.push({
          label,
          name,
          model,
          group,
          n: rows.length,
          metrics,
          volume: {
            n: rows.length,
            blandAltman: blandAltman(ref, pred),
            regression: olsRegression(ref, pred),
          },
        });
      }
      if (o.models.length === 2) {
        const [a, b] = o.models;
        const valuesOf = (model: string, k: string) =>
          gc.map((c) => {
            const r = rowOf(c, model, label);
            return r && includedRow(r) ? rowValue(r, k) : null;
          });
        const metrics: Record<string, PairedStats> = {};
        for (const k of keys) metrics[k] = paired(valuesOf(a, k), valuesOf(b, k), resamples, seed);
        pairedOut.push({ label, name, models: [a, b], group, metrics });
      }
    }
  }

  const modelSummaries = o.models.map((model) => {
    const dice: number[] = [];
    let num = 0;
    let den = 0;
    for (const c of okCases)
      for (const r of c.loaded[model]?.structures ?? []) {
        num += 2 * r.tp;
        den += 2 * r.tp + r.fp + r.fn;
        if (includedRow(r) && r.dice !== null) dice.push(r.dice);
      }
    return { model, meanDice: mean(dice), pooledDice: den > 0 ? num / den : null };
  });

  return {
    schema: COHORT_SCHEMA_ID,
    tool: o.tool,
    models: [...o.models],
    groupBy: o.groupBy ?? null,
    definitions: definitions(o),
    cases: cases.map(({ id, status, error, metadata, reports, inputs }) => ({
      id,
      status,
      error,
      metadata,
      reports,
      ...(inputs ? { inputs } : {}),
    })),
    structures,
    paired: pairedOut,
    summary: {
      cases: cases.length,
      ok: okCases.length,
      failed: cases.length - okCases.length,
      failedCases: cases.filter((c) => c.status === 'failed').map((c) => c.id),
      models: modelSummaries,
    },
  };
}
