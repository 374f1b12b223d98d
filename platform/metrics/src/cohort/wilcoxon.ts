/**
 * Wilcoxon signed-rank test, two-sided (docs/cohort.md#paired-comparison). It matches
 * scipy.stats.wilcoxon(d, zero_method='wilcox', correction=False, method=M) where
 * M = 'exact' when there are at most 50 differences, none zero and no tied |d|, else 'approx':
 * zero differences are dropped, |d| ranked with average ranks, and the normal approximation's
 * variance is corrected for ties (no continuity correction).
 */

export interface WilcoxonResult {
  /** min(R+, R-) as scipy reports it for the two-sided test */
  statistic: number;
  p: number;
  method: 'exact' | 'approx';
  /** differences left after dropping zeros */
  n: number;
}

/** Average ranks (1-based) of `values`, ties sharing the mean of their ranks (scipy rankdata). */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = r;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

/** Number of subsets of {1..n} with each rank sum s (the exact null distribution of R+ times 2^n). */
export function signedRankCounts(n: number): number[] {
  const total = (n * (n + 1)) / 2;
  const c = new Array<number>(total + 1).fill(0);
  c[0] = 1;
  for (let k = 1; k <= n; k++) for (let s = total; s >= k; s--) c[s] += c[s - k];
  return c;
}

/** Two-sided Wilcoxon signed-rank test of paired differences; null when all are zero. */
export function wilcoxonSignedRank(diffs: readonly number[]): WilcoxonResult | null {
  const nZero = diffs.filter((d) => d === 0).length;
  const d = diffs.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return null;
  const { ranks, tieSizes } = averageRanks(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  d.forEach((x, i) => (x > 0 ? (rPlus += ranks[i]) : (rMinus += ranks[i])));
  const statistic = Math.min(rPlus, rMinus);
  if (diffs.length <= 50 && nZero === 0 && tieSizes.length === 0) {
    const counts = signedRankCounts(n);
    const r = rPlus; // an integer: no ties
    const total = 2 ** n;
    if (r === (counts.length - 1) / 2) return { statistic, p: 1, method: 'exact', n };
    let less = 0;
    let greater = 0;
    for (let s = 0; s < counts.length; s++) {
      if (s <= r) less += counts[s];
      if (s >= r) greater += counts[s];
    }
    return { statistic, p: Math.min(1, (2 * Math.min(less, greater)) / total), method: 'exact', n };
  }
  const mn = (n * (n + 1)) / 4;
  let v = n * (n + 1) * (2 * n + 1);
  for (const t of tieSizes) v -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(v / 24);
  const z = (statistic - mn) / se;
  return { statistic, p: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)), method: 'approx', n };
}

/**
 * Complementary error function to ~1e-15 relative: the series
 * erf x = 2/sqrt(pi) e^{-x^2} sum 2^k x^{2k+1} / (1*3*...*(2k+1)) below 2 (all terms positive),
 * the continued fraction of erfc above.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0;
  // erfc x = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated backwards
  let f = x;
  for (let k = 120; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
