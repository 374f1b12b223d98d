import Ajv, { type ValidateFunction } from 'ajv';
import schema from '../schema/report.schema.json' with { type: 'json' };
import type { EvaluationReport } from './report.ts';

/** The shipped JSON Schema of `concord.report/v1`. */
export const REPORT_JSON_SCHEMA: object = schema;

let compiled: ValidateFunction | null = null;

/** Validates against the shipped schema; returns the list of problems (empty when valid). */
export function reportProblems(report: unknown): string[] {
  // compiled on first use: ajv generates code, which a strict CSP may forbid at import time
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (compiled(report)) return [];
  return (compiled.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
  );
}

/** Type guard for a valid `concord.report/v1` object. */
export function isValidReport(report: unknown): report is EvaluationReport {
  return reportProblems(report).length === 0;
}
