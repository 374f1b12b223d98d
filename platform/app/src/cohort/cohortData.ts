/**
 * The data of the cohort view (docs/cohort.md, "Cohort view"): a `concord.cohort/v1` file and
 * the per-case `concord.report/v1` reports it names, turned into table rows. Every number shown
 * is read from these files as written by `concord cohort` (the same ones its PDF draws); nothing
 * is recomputed here. Pure functions: no DOM, no fetch.
 */
import type { EvaluationReport } from '@concord/metrics';
import type { CohortReport } from '@concord/metrics/cohort';
import { servedFileUrl, type CaseViewerLink } from '../caseLinks.ts';

export const COHORT_SCHEMA = 'concord.cohort/v1';
export const REPORT_SCHEMA = 'concord.report/v1';

/** One row of the table: one case x model x structure, read from the case's report. */
export interface CohortRow {
  key: string;
  caseId: string;
  model: string;
  label: number;
  structure: string;
  status: string;
  dice: number | null;
  hd95: number | null;
  assd: number | null;
  volumeRefMl: number | null;
  volumePredMl: number | null;
  volumeDiffMl: number | null;
  metadata: Record<string, string>;
}

/** What became of a case's reports: loaded, or why the browser could not read them. */
export interface CaseState {
  id: string;
  status: 'ok' | 'failed';
  /** the run's one-line reason (failed cases) */
  error: string | null;
  metadata: Record<string, string>;
  /** model -> the report, when it could be read */
  reports: Record<string, EvaluationReport>;
  /** one line per report that could not be read */
  unreachable: string[];
  /** per model: how the viewer opens this case, or why it cannot */
  viewer?: Record<string, CaseViewerLink | string>;
}

/** The parsed file, or a one-line reason it is not a cohort file. */
export function parseCohort(text: string): CohortReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON');
  }
  const c = value as Partial<CohortReport> | null;
  if (!c || typeof c !== 'object' || c.schema !== COHORT_SCHEMA)
    throw new Error(
      `This is not a ${COHORT_SCHEMA} file (the cohort.json that concord cohort writes)`,
    );
  if (!Array.isArray(c.cases) || !Array.isArray(c.structures) || !Array.isArray(c.models))
    throw new Error(`This ${COHORT_SCHEMA} file has no cases, structures or models`);
  return c as CohortReport;
}

/** A report's text as a report, or a one-line reason. */
export function parseReport(text: string): EvaluationReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const r = value as Partial<EvaluationReport> | null;
  if (!r || r.schema !== REPORT_SCHEMA || !Array.isArray(r.structures))
    throw new Error(`not a ${REPORT_SCHEMA} report`);
  return r as EvaluationReport;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The table rows of the cases whose reports were read, in file order. */
export function cohortRows(cases: readonly CaseState[], models: readonly string[]): CohortRow[] {
  const rows: CohortRow[] = [];
  for (const c of cases)
    for (const model of models) {
      const report = c.reports[model];
      if (!report) continue;
      for (const s of report.structures) {
        const r = s as unknown as Record<string, unknown>;
        rows.push({
          key: `${c.id}\u0000${model}\u0000${s.label}`,
          caseId: c.id,
          model,
          label: s.label,
          structure: String(s.name),
          status: String(s.status),
          dice: num(r.dice),
          hd95: num(r.hd95),
          assd: num(r.assd),
          volumeRefMl: num(r.volumeRefMl),
          volumePredMl: num(r.volumePredMl),
          volumeDiffMl: num(r.volumeDiffMl),
          metadata: c.metadata,
        });
      }
    }
  return rows;
}

export type SortKey =
  | 'caseId'
  | 'model'
  | 'structure'
  | 'status'
  | 'dice'
  | 'hd95'
  | 'assd'
  | 'volumeRefMl'
  | 'volumePredMl'
  | 'volumeDiffMl'
  | `meta:${string}`;

/** The table's state: kept when the user opens a case and comes back. */
export interface TableState {
  sort: SortKey;
  descending: boolean;
  /** metadata column -> the value kept ('' = all) */
  filters: Record<string, string>;
  scrollY: number;
}

export const DEFAULT_TABLE_STATE: TableState = {
  sort: 'caseId',
  descending: false,
  filters: {},
  scrollY: 0,
};

function sortValue(row: CohortRow, key: SortKey): string | number | null {
  if (key.startsWith('meta:')) return row.metadata[key.slice(5)] ?? null;
  return row[key as Exclude<SortKey, `meta:${string}`>];
}

/** Rows kept by the filters, sorted; nulls last either way, ties in file order. */
export function visibleRows(rows: readonly CohortRow[], state: TableState): CohortRow[] {
  const kept = rows.filter((r) =>
    Object.entries(state.filters).every(([col, v]) => !v || r.metadata[col] === v),
  );
  const sign = state.descending ? -1 : 1;
  return kept
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const x = sortValue(a.row, state.sort);
      const y = sortValue(b.row, state.sort);
      if (x === null || y === null) return x === y ? a.i - b.i : x === null ? 1 : -1;
      const c =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y), undefined, { numeric: true });
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((e) => e.row);
}

/** The metadata columns of the cohort and their values, for the filters. */
export function metadataColumns(cases: readonly { metadata: Record<string, string> }[]): {
  column: string;
  values: string[];
}[] {
  const columns = new Map<string, Set<string>>();
  for (const c of cases)
    for (const [k, v] of Object.entries(c.metadata ?? {})) {
      if (!columns.has(k)) columns.set(k, new Set());
      columns.get(k)!.add(String(v));
    }
  return [...columns].map(([column, values]) => ({
    column,
    values: [...values].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
  }));
}

/**
 * Colour of a Dice value: the colour-blind-safe sequential scale viridis (9 stops, linear
 * between them), dark purple at 0 to yellow at 1; text colour chosen for contrast.
 */
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];
export function diceColour(dice: number): { background: string; color: string } {
  const t = Math.min(1, Math.max(0, dice)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t));
  const f = t - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + f * (VIRIDIS[i + 1][k] - v)));
  return {
    background: `rgb(${c[0]}, ${c[1]}, ${c[2]})`,
    color: t > (VIRIDIS.length - 1) * 0.55 ? '#000' : '#fff',
  };
}

/**
 * The address of a file the cohort names (`cases[].reports` paths are relative to the folder
 * of cohort.json), or null when the path leaves that folder or is absolute.
 */
export function resolveCohortPath(cohortUrl: string, relative: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:|^\/|\\/i.test(relative) || relative.split('/').includes('..'))
    return null;
  return new URL(relative, cohortUrl).href;
}

/** A same-origin cohort address from `?url=`, or a one-line reason it is refused. */
export function sameOriginUrl(raw: string, origin: string): string {
  let u: URL;
  try {
    u = new URL(raw, origin);
  } catch {
    throw new Error('The cohort address is not a URL');
  }
  if (u.origin !== origin)
    throw new Error('The cohort address must be on this server (same origin)');
  return u.href;
}

/** Dropped files by their path inside the dropped folder (or their name). */
export function droppedPath(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return rel || file.name;
}

/**
 * The dropped file that is `relative` (a path relative to cohort.json): matched on the path's
 * tail, since a dropped folder's paths start with the folder's own name.
 */
export function findDropped(
  files: readonly File[],
  cohortPath: string,
  relative: string,
): File | null {
  const base = cohortPath.includes('/') ? cohortPath.slice(0, cohortPath.lastIndexOf('/') + 1) : '';
  const want = base + relative;
  return files.find((f) => droppedPath(f) === want) ?? null;
}

/**
 * How the viewer opens a case with one model's prediction (docs/cohort.md, "Opening a case"),
 * or the one-line reason it cannot: its images must be a DICOM study, and its reference and
 * prediction files (cohort.json `cases[].inputs`) must lie in the folder `concord serve` serves.
 */
export function caseViewerLink(
  c: CohortReport['cases'][number],
  report: EvaluationReport,
  model: string,
  cohortUrl: string,
  route: string,
  cohortPage: string,
): CaseViewerLink | string {
  const studyUID = report.case?.studyInstanceUID;
  if (!studyUID)
    return 'its images are not a DICOM study (NIfTI); the viewer opens DICOM studies only';
  const inputs = c.inputs;
  if (!inputs)
    return 'cohort.json does not name its input files (written by an older concord cohort)';
  const referenceUrl = servedFileUrl(cohortUrl, inputs.reference);
  if (!referenceUrl) return `its reference ${inputs.reference} is not in the served folder`;
  const prediction = inputs.predictions[model];
  if (!prediction) return `cohort.json names no prediction of model ${model} for it`;
  const predictionUrl = servedFileUrl(cohortUrl, prediction);
  if (!predictionUrl) return `its prediction ${prediction} is not in the served folder`;
  return {
    route,
    studyUID,
    seriesUID: report.case.seriesInstanceUID ?? null,
    referenceUrl,
    predictionUrl,
    model,
    cohortPage,
  };
}
