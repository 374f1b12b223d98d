import type { ClassProbabilities } from './types.ts';

/**
 * Quantised probabilities (p ≈ q/255) to one float array per foreground label, for soft
 * metrics. The inference worker does this (several × tens of MB of float work) so the page
 * only receives the transferred arrays.
 */
export function toProbabilityArrays(p: ClassProbabilities): Record<number, Float32Array> {
  const out: Record<number, Float32Array> = {};
  p.labels.forEach((label, c) => {
    if (label === 0) return;
    const q = p.data[c];
    const f = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) f[i] = q[i] / p.scale;
    out[label] = f;
  });
  return out;
}
