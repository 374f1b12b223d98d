/**
 * Percentile bootstrap confidence interval of a mean (docs/cohort.md#bootstrap). Scheme: a fresh
 * mulberry32(seed) per interval; for b = 0..B-1, draw n indices i_j = floor(u32 * n / 2^32) in
 * order and take the mean of values[i_j]; the interval is the linear-interpolated 2.5th and
 * 97.5th percentiles of the B means.
 */
import { drawIndex, mulberry32 } from './prng.ts';
import { mean, percentile } from './stats.ts';

export interface BootstrapOptions {
  /** Number of resamples B (default 2000). */
  resamples?: number;
  /** Seed of the generator (default 1). */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

/** The B bootstrap means of `values` (the resampling scheme above). */
export function bootstrapMeans(
  values: readonly number[],
  options: BootstrapOptions = {},
): number[] {
  const n = values.length;
  const b = options.resamples ?? 2000;
  const next = mulberry32(options.seed ?? 1);
  const out = new Array<number>(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += values[drawIndex(next, n)];
    out[r] = s / n;
  }
  return out;
}

/** [low, high] percentile-bootstrap interval of the mean; null with fewer than 2 values. */
export function bootstrapCi(
  values: readonly number[],
  options: BootstrapOptions = {},
): [number, number] | null {
  if (values.length < 2 || mean(values) === null) return null;
  const means = bootstrapMeans(values, options);
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  return [percentile(means, 100 * alpha)!, percentile(means, 100 * (1 - alpha))!];
}
