import { METRICS, nsdColumn } from '@concord/metrics';
import type { EvaluationReport, PrivacyOptions } from '../report/types.ts';
import { neutralizeFormula, stripControlChars } from '../text/sanitize.ts';
import {
  LESION_SUMMARY_FIELDS,
  lesionColumn,
  lesionSummaryValue,
  writeLesionCsv,
} from './lesionCsv.ts';

export { nsdColumn };

export interface CsvOptions extends PrivacyOptions {
  /** Prefix a UTF-8 byte order mark (helps old Excel detect UTF-8). Default false. */
  bom?: boolean;
}

type Cell = string | number | null | undefined;

/**
 * Structure fields in column order: the METRICS registry's order (the report row's); optional
 * ones appear only when some structure carries them, unknown extra fields are appended.
 */
const ORDER: readonly string[] = METRICS.map((m) => m.key);

/** The CSV columns of a report: the structure fields, `nsd` flattened to `nsd@<τ>`. */
export function csvColumns(report: EvaluationReport, options: PrivacyOptions = {}): string[] {
  const present = new Set<string>();
  for (const s of report.structures) {
    for (const [k, v] of Object.entries(s)) if (v !== undefined) present.add(k);
  }
  const fields = [
    ...ORDER.filter((k) => present.has(k)),
    ...[...present].filter((k) => !ORDER.includes(k)),
  ];
  const tolerances = nsdTolerances(report);
  return [
    ...(options.includePhi ? ['patientName', 'patientId', 'patientBirthDate'] : []),
    ...fields.flatMap((f) =>
      f === 'nsd'
        ? tolerances.map(nsdColumn)
        : f === 'lesions'
          ? LESION_SUMMARY_FIELDS.map(lesionColumn)
          : [f],
    ),
  ];
}

function nsdTolerances(report: EvaluationReport): string[] {
  const keys = new Set<string>(report.definitions.tolerancesMm.map((t) => String(t)));
  for (const s of report.structures) for (const k of Object.keys(s.nsd ?? {})) keys.add(k);
  return [...keys].sort((a, b) => Number(a) - Number(b));
}

/** RFC 4180 field: numbers verbatim, strings neutralised against formulas and quoted when needed. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    // JSON never carries NaN/Infinity (docs/metrics.md); an empty cell is the honest CSV equivalent.
    return Number.isFinite(value) ? String(value) : '';
  }
  const text = neutralizeFormula(stripControlChars(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV: RFC 4180 (CRLF line ends, quoted fields), UTF-8, a header row then one
 * row per structure with the report's column names. De-identified unless `includePhi`.
 */
export function writeReportCsv(report: EvaluationReport, options: CsvOptions = {}): string {
  const columns = csvColumns(report, options);
  const patient = options.patient ?? {};
  const rows = report.structures.map((s) =>
    columns.map((c) => {
      switch (c) {
        case 'patientName':
          return csvField(patient.name);
        case 'patientId':
          return csvField(patient.id);
        case 'patientBirthDate':
          return csvField(patient.birthDate);
      }
      if (c.startsWith('nsd@')) return csvField(s.nsd?.[c.slice(4)]);
      if (c.startsWith('lesions.')) return csvField(lesionSummaryValue(s.lesions, c));
      const value = (s as unknown as Record<string, unknown>)[c];
      return csvField(
        value !== null && typeof value === 'object' ? JSON.stringify(value) : (value as Cell),
      );
    }),
  );
  const lines = [columns.map(csvField), ...rows].map((r) => r.join(','));
  return (options.bom ? '\ufeff' : '') + lines.join('\r\n') + '\r\n';
}

/**
 * The lesion table of the report (structures evaluated lesion-wise): a second CSV file next to
 * the report CSV; null when there is none (docs/report.md#csv).
 */
export function writeReportLesionCsv(
  report: EvaluationReport,
  options: CsvOptions = {},
): string | null {
  return writeLesionCsv(report, csvField, options);
}
