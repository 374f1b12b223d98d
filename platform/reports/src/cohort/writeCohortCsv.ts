/**
 * The cohort as CSV (docs/cohort.md#outputs): one row per case x structure x model, with
 * `case_id`, `model`, the case metadata columns, then the case CSV's columns (writeReportCsv's
 * names and cell rules).
 */
import type { EvaluationReport } from '../report/types.ts';
import { csvColumns, csvField } from '../csv/writeReportCsv.ts';

export interface CohortCsvCase {
  id: string;
  metadata: Record<string, string>;
  /** report per model (ok cases only) */
  reports: Record<string, EvaluationReport>;
}

export function writeCohortCsv(
  cases: readonly CohortCsvCase[],
  models: readonly string[],
  metadataColumns: readonly string[],
): string {
  const columns: string[] = [];
  for (const c of cases)
    for (const m of models) {
      const r = c.reports[m];
      if (r) for (const col of csvColumns(r)) if (!columns.includes(col)) columns.push(col);
    }
  const header = ['case_id', 'model', ...metadataColumns, ...columns];
  const lines = [header.map(csvField).join(',')];
  for (const c of cases)
    for (const m of models) {
      const r = c.reports[m];
      for (const s of r?.structures ?? []) {
        const cells = columns.map((col) => {
          if (col.startsWith('nsd@')) return csvField(s.nsd?.[col.slice(4)]);
          const v = (s as unknown as Record<string, unknown>)[col];
          return csvField(
            v !== null && typeof v === 'object'
              ? JSON.stringify(v)
              : (v as string | number | null | undefined),
          );
        });
        lines.push(
          [c.id, m, ...metadataColumns.map((k) => c.metadata[k] ?? '')]
            .map(csvField)
            .concat(cells)
            .join(','),
        );
      }
    }
  return lines.join('\r\n') + '\r\n';
}
