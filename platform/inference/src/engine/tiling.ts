/**
 * Start positions of patches of size `patch` along an axis of size `size` (>= patch), with the
 * given fractional overlap; the last patch is flush with the end (nnU-Net / MONAI style).
 */
export function tileStarts(size: number, patch: number, overlap: number): number[] {
  if (size <= patch) return [0];
  const step = Math.max(1, Math.floor(patch * (1 - overlap)));
  const starts: number[] = [];
  for (let s = 0; s + patch < size; s += step) starts.push(s);
  starts.push(size - patch);
  return starts;
}

/**
 * Importance map for blending overlapping patches: a separable Gaussian with sigma = patch / 8
 * per axis, centred, scaled to max 1 and floored at its smallest positive value (nnU-Net).
 * `constant` blending is all ones. Axes of size 1 (2D slices) get weight 1.
 */
export function blendWeights(patch: number[], blend: 'gaussian' | 'constant'): Float32Array {
  const n = patch.reduce((a, b) => a * b, 1);
  const w = new Float32Array(n).fill(1);
  if (blend === 'constant') return w;
  const axes = patch.map((p) => {
    const g = new Float64Array(p);
    const sigma = p / 8;
    const c = (p - 1) / 2;
    for (let i = 0; i < p; i++)
      g[i] = p === 1 ? 1 : Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    return g;
  });
  // storage order: axis 0 fastest
  let o = 0;
  const [px, py, pz] = [patch[0], patch[1] ?? 1, patch[2] ?? 1];
  let min = Infinity;
  for (let z = 0; z < pz; z++)
    for (let y = 0; y < py; y++)
      for (let x = 0; x < px; x++, o++) {
        const v = axes[0][x] * (axes[1]?.[y] ?? 1) * (axes[2]?.[z] ?? 1);
        w[o] = v;
        if (v > 0 && v < min) min = v;
      }
  for (let i = 0; i < n; i++) if (!(w[i] > 0)) w[i] = min;
  return w;
}
