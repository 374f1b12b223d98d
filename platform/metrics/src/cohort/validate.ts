import schema from '../schema/cohort.schema.json' with { type: 'json' };
// Standalone ajv output generated from src/schema/cohortSchema.ts by
// scripts/generate-cohort-schema.ts (a test checks it is current).
import { validate } from '../schema/validateCohort.generated.js';

/** The shipped JSON Schema of `concord.cohort/v1`. */
export const COHORT_JSON_SCHEMA: object = schema;

/** Validates against the shipped schema; returns the list of problems (empty when valid). */
export function cohortProblems(cohort: unknown): string[] {
  if (validate(cohort)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties' ? ` "${String(e.params?.additionalProperty)}"` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}
