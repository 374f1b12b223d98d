import { percentileLinear } from '@concord/core';
import type { IntensityNormalisation } from '../manifest/types.ts';

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

/** Applies docs/manifest.md intensity normalisation in place. */
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
      // numpy's linear percentiles (0 for no values); `values` is a copy, reordered here
      const lo = percentileLinear(values, spec.low) ?? 0;
      const hi = percentileLinear(values, spec.high) ?? 0;
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
