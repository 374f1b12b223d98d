/**
 * @concord/metrics — the headless evaluation engine: per-structure metrics (docs/metrics.md),
 * the concord.report/v1 report and its schema, the disagreement products (TP/FP/FN layer,
 * boundary vs gross errors, slice profiles, confusion in mL) and volumetric bias.
 * Typed arrays in, plain objects out; no DOM, no React, no viewer.
 */
export * from './engine/index.ts';
export * from './report/report.ts';
export * from './report/validate.ts';
export * from './disagreement/index.ts';
export * from './report/probabilistic.ts';
