import { finiteOnly, reportProblems } from '@concord/metrics';
import type { EvaluationReport } from '../report/types.ts';

/** The report failed validation against the shipped `concord.report/v1` schema. */
export class ReportSchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`report does not match concord.report/v1: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'ReportSchemaError';
  }
}

/**
 * The report as `concord.report/v1` JSON text (UTF-8, 2-space indent, trailing newline),
 * validated against the metrics extension's JSON Schema before it is written. The schema has
 * no patient fields, so JSON reports are always de-identified; non-finite numbers become null.
 */
export function writeReportJson(report: EvaluationReport): string {
  const clean = finiteOnly(report);
  let problems: string[];
  try {
    problems = reportProblems(clean);
  } catch (e) {
    // ajv compiles the schema to code at first use; a CSP without 'unsafe-eval' forbids that
    throw new Error(
      `The concord.report/v1 validator cannot run here (${(e as Error).message}); JSON not written`,
      { cause: e },
    );
  }
  if (problems.length > 0) throw new ReportSchemaError(problems);
  return JSON.stringify(clean, null, 2) + '\n';
}
