import type { IntensityNormalisation } from '../manifest/types.ts';

/** k-th smallest value (0-based) of `a`, reordering `a` in place (Hoare quickselect). */
export function selectKth(a: Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * Percentiles with numpy's default ('linear') method: position p/100 * (n - 1), interpolated
 * between the two neighbouring order statistics. `values` is reordered.
 */
export function percentiles(values: Float32Array, ps: number[]): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => 0);
  return ps.map((p) => {
    const pos = (p / 100) * (n - 1);
    const k = Math.floor(pos);
    const frac = pos - k;
    const a = selectKth(values, k);
    if (frac === 0 || k + 1 >= n) return a;
    // after selection every element right of k is >= a; the next order statistic is their min
    let b = Infinity;
    for (let i = k + 1; i < n; i++) if (values[i] < b) b = values[i];
    return a + (b - a) * frac;
  });
}

function nonzeroValues(data: Float32Array): Float32Array {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) count++;
  const out = new Float32Array(count);
  let o = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out[o++] = data[i];
  return out;
}

/** What the normalisation computed (recorded in the result for traceability). */
export interface IntensityStats {
  type: IntensityNormalisation['type'];
  /** Input value mapped to outputRange[0] / the mean, and to outputRange[1] / the std. */
  a: number;
  b: number;
}

function linearMap(
  data: Float32Array,
  lo: number,
  hi: number,
  range: [number, number],
  clip: boolean,
): void {
  const scale = (range[1] - range[0]) / Math.max(hi - lo, 1e-12);
  const [r0, r1] = range;
  for (let i = 0; i < data.length; i++) {
    let v = (data[i] - lo) * scale + r0;
    if (clip) v = v < r0 ? r0 : v > r1 ? r1 : v;
    data[i] = v;
  }
}

/** Applies DESIGN §3.4 intensity normalisation in place. */
export function normaliseIntensity(
  data: Float32Array,
  spec: IntensityNormalisation,
): IntensityStats {
  switch (spec.type) {
    case 'none':
      return { type: 'none', a: 0, b: 1 };
    case 'window': {
      const lo = spec.center - spec.width / 2;
      const hi = spec.center + spec.width / 2;
      linearMap(data, lo, hi, spec.outputRange, true);
      return { type: 'window', a: lo, b: hi };
    }
    case 'percentile': {
      const values = spec.nonzeroOnly ? nonzeroValues(data) : Float32Array.from(data);
      const [lo, hi] = percentiles(values, [spec.low, spec.high]);
      linearMap(data, lo, hi, spec.outputRange, spec.clip);
      return { type: 'percentile', a: lo, b: hi };
    }
    case 'zscore': {
      let mean = spec.mean;
      let std = spec.std;
      if (mean === undefined || std === undefined) {
        let n = 0;
        let sum = 0;
        for (let i = 0; i < data.length; i++) {
          if (spec.nonzeroOnly && data[i] === 0) continue;
          sum += data[i];
          n++;
        }
        mean = n ? sum / n : 0;
        let ss = 0;
        for (let i = 0; i < data.length; i++) {
          if (spec.nonzeroOnly && data[i] === 0) continue;
          ss += (data[i] - mean) ** 2;
        }
        std = n ? Math.sqrt(ss / n) : 1;
      }
      const inv = 1 / Math.max(std, 1e-8);
      for (let i = 0; i < data.length; i++) {
        if (spec.nonzeroOnly && data[i] === 0) continue;
        data[i] = (data[i] - mean) * inv;
      }
      return { type: 'zscore', a: mean, b: std };
    }
  }
}
