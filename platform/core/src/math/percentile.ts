/**
 * The one percentile of Concord (numpy's default `method='linear'`), used by the metric engine
 * (HD95) and by intensity normalisation in inference (docs/metrics.md).
 */

type Values = Float64Array | Float32Array;

/**
 * Rearranges `a` so that a[k] is the k-th smallest value (0-based), everything before it is
 * <= a[k] and everything after it is >= a[k] (quickselect, median-of-three pivots, expected O(n)).
 */
export function selectKth(a: Values, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three to a[mid]
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k];
}

function swap(a: Values, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Percentile q (0..100) with linear interpolation between closest ranks — numpy's default
 * (`method='linear'`), including its two-sided lerp. Reorders `values`; null when empty.
 */
export function percentileLinear(values: Values, q: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const h = (n - 1) * (q / 100);
  const lo = Math.floor(h);
  const t = h - lo;
  const a = selectKth(values, lo);
  if (t === 0 || lo + 1 >= n) return a;
  // after selection every element right of lo is >= a: the next order statistic is their min
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
