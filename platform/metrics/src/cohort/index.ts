/**
 * @concord/metrics/cohort — cohort statistics (docs/cohort.md): descriptive statistics, seeded
 * percentile bootstrap, Bland–Altman, OLS, Wilcoxon signed-rank, and the `concord.cohort/v1`
 * aggregate with its schema. Pure functions; no I/O.
 */
export { mean, sd, median, q1, q3, percentile } from './stats.ts';
export { mulberry32, drawIndex } from './prng.ts';
export { bootstrapMeans, bootstrapCi, type BootstrapOptions } from './bootstrap.ts';
export { blandAltman, olsRegression, type BlandAltman, type Regression } from './agreement.ts';
export {
  wilcoxonSignedRank,
  averageRanks,
  signedRankCounts,
  erfc,
  type WilcoxonResult,
} from './wilcoxon.ts';
export * from './aggregate.ts';
export { cohortProblems, COHORT_JSON_SCHEMA } from './validate.ts';
