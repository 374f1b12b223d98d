import type { EvaluationReport, PrivacyOptions, StructureResult } from '../report/types.ts';
import { neutralizeFormula, stripControlChars } from '../text/sanitize.ts';

export interface CsvOptions extends PrivacyOptions {
  /** Prefix a UTF-8 byte order mark (helps old Excel detect UTF-8). Default false. */
  bom?: boolean;
}

type Cell = string | number | null | undefined;

/** Column name of the normalised surface Dice at tolerance τ (mm), e.g. `nsd@1`. */
export function nsdColumn(tolerance: string | number): string {
  return `nsd@${tolerance}`;
}

/** Fixed structure columns, named as in the report's `structures[]` objects (DESIGN §3.3). */
const HEAD: (keyof StructureResult)[] = [
  'label',
  'name',
  'status',
  'tp',
  'fp',
  'fn',
  'dice',
  'jaccard',
  'precision',
  'recall',
  'specificity',
  'volumeRefMl',
  'volumePredMl',
];
const TAIL: (keyof StructureResult)[] = ['volumeDiffMl', 'volumeDiffPct', 'hd', 'hd95', 'assd'];

/** The columns of the CSV for a report: optional ones only when some structure carries them. */
export function csvColumns(report: EvaluationReport, options: PrivacyOptions = {}): string[] {
  const hasSoftVolume = report.structures.some((s) => s.volumeSoftMl != null);
  const hasSoftDice = report.structures.some((s) => s.softDice != null);
  const tolerances = nsdTolerances(report);
  return [
    ...(options.includePhi ? ['patientName', 'patientId', 'patientBirthDate'] : []),
    ...HEAD,
    ...(hasSoftVolume ? ['volumeSoftMl'] : []),
    ...TAIL,
    ...tolerances.map(nsdColumn),
    ...(hasSoftDice ? ['softDice'] : []),
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
    // JSON never carries NaN/Infinity (DESIGN §3.2); an empty cell is the honest CSV equivalent.
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
      return csvField(s[c as keyof StructureResult] as Cell);
    }),
  );
  const lines = [columns.map(csvField), ...rows].map((r) => r.join(','));
  return (options.bom ? '\ufeff' : '') + lines.join('\r\n') + '\r\n';
}
