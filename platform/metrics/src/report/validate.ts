import schema from '../schema/report.schema.json' with { type: 'json' };
// Standalone ajv output (no eval at runtime: the viewer's CSP forbids it). Both files are
// generated from src/schema/reportSchema.ts and the METRICS registry by
// scripts/generate-report-schema.ts (a test checks they are current).
import { validate } from '../schema/validateReport.generated.js';
import type { EvaluationReport } from './report.ts';

/** The shipped JSON Schema of `concord.report/v1`. */
export const REPORT_JSON_SCHEMA: object = schema;

/** Validates against the shipped schema; returns the list of problems (empty when valid). */
export function reportProblems(report: unknown): string[] {
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties' ? ` "${String(e.params?.additionalProperty)}"` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Type guard for a valid `concord.report/v1` object. */
export function isValidReport(report: unknown): report is EvaluationReport {
  return reportProblems(report).length === 0;
}
