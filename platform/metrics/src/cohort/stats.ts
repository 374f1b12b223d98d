/**
 * Descriptive statistics of a cohort (docs/cohort.md#definitions): small pure functions over
 * plain number arrays. Undefined results are null (JSON never carries NaN).
 */
import { percentileLinear } from '@concord/core';

/** Arithmetic mean (sequential sum); null when empty. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation, ddof = 1 (numpy `std(ddof=1)`); null when fewer than 2 values. */
export function sd(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values)!;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (n - 1));
}

/** Percentile q (0..100), numpy's default `method='linear'` (the project's one percentile). */
export function percentile(values: readonly number[], q: number): number | null {
  return percentileLinear(Float64Array.from(values), q);
}

export const median = (values: readonly number[]): number | null => percentile(values, 50);
export const q1 = (values: readonly number[]): number | null => percentile(values, 25);
export const q3 = (values: readonly number[]): number | null => percentile(values, 75);
