/** Volume agreement of a model with the reference (docs/cohort.md#volume-agreement). */
import { mean, sd } from './stats.ts';

export interface BlandAltman {
  /** mean of (predicted - reference) */
  bias: number | null;
  /** sd of the differences, ddof = 1 */
  sd: number | null;
  /** bias - 1.96 sd */
  loaLow: number | null;
  /** bias + 1.96 sd */
  loaHigh: number | null;
}

/** Bland–Altman statistics of paired measurements (differences predicted - reference). */
export function blandAltman(
  reference: readonly number[],
  predicted: readonly number[],
): BlandAltman {
  const diffs = predicted.map((p, i) => p - reference[i]);
  const bias = mean(diffs);
  const s = sd(diffs);
  return {
    bias,
    sd: s,
    loaLow: bias !== null && s !== null ? bias - 1.96 * s : null,
    loaHigh: bias !== null && s !== null ? bias + 1.96 * s : null,
  };
}

export interface Regression {
  slope: number | null;
  intercept: number | null;
  /** coefficient of determination (squared Pearson correlation) */
  r2: number | null;
}

/**
 * Ordinary least squares of y on x (y = intercept + slope x). Null when fewer than 2 points or
 * x is constant; r2 null when y is constant too.
 */
export function olsRegression(x: readonly number[], y: readonly number[]): Regression {
  const none = { slope: null, intercept: null, r2: null };
  if (x.length < 2) return none;
  const mx = mean(x)!;
  const my = mean(y)!;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx === 0) return none;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? null : (sxy * sxy) / (sxx * syy) };
}
