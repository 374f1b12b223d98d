/** Small synthetic label volumes and a brute-force metric oracle for the engine's tests. */
import { IDENTITY_DIRECTION, type Grid, type LabelVolume, type Vec3 } from '@concord/core';

export function grid(dims: Vec3, spacing: Vec3 = [1, 1, 1], over: Partial<Grid> = {}): Grid {
  return { dims, spacing, origin: [0, 0, 0], direction: [...IDENTITY_DIRECTION], ...over };
}

export function volume(
  g: Grid,
  f: (i: number, j: number, k: number) => number,
  wide = false,
): LabelVolume {
  const n = g.dims[0] * g.dims[1] * g.dims[2];
  const data = wide ? new Uint16Array(n) : new Uint8Array(n);
  let o = 0;
  for (let k = 0; k < g.dims[2]; k++)
    for (let j = 0; j < g.dims[1]; j++) for (let i = 0; i < g.dims[0]; i++) data[o++] = f(i, j, k);
  return { ...g, data };
}

export const box =
  (lo: Vec3, hi: Vec3, label = 1) =>
  (i: number, j: number, k: number): number =>
    i >= lo[0] && i <= hi[0] && j >= lo[1] && j <= hi[1] && k >= lo[2] && k <= hi[2] ? label : 0;

export const sphere =
  (c: Vec3, r: number, label = 1) =>
  (i: number, j: number, k: number): number =>
    (i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r ? label : 0;

/** Surface voxels (6-connected erosion, outside = background) as index triples. */
export function bruteSurface(v: LabelVolume, label: number): Vec3[] {
  const [nx, ny, nz] = v.dims;
  const at = (i: number, j: number, k: number) =>
    i >= 0 &&
    j >= 0 &&
    k >= 0 &&
    i < nx &&
    j < ny &&
    k < nz &&
    v.data[i + nx * (j + ny * k)] === label;
  const out: Vec3[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!at(i, j, k)) continue;
        const interior =
          at(i - 1, j, k) &&
          at(i + 1, j, k) &&
          at(i, j - 1, k) &&
          at(i, j + 1, k) &&
          at(i, j, k - 1) &&
          at(i, j, k + 1);
        if (!interior) out.push([i, j, k]);
      }
  return out;
}

/** d(x, Y) for every x in X by exhaustive search, mm. */
export function bruteDirected(X: Vec3[], Y: Vec3[], s: Vec3): number[] {
  return X.map((x) => {
    let best = Infinity;
    for (const y of Y) {
      const d =
        ((x[0] - y[0]) * s[0]) ** 2 + ((x[1] - y[1]) * s[1]) ** 2 + ((x[2] - y[2]) * s[2]) ** 2;
      if (d < best) best = d;
    }
    return Math.sqrt(best);
  });
}

/** numpy.percentile(values, q) (linear) by sorting. */
export function brutePercentile(values: number[], q: number): number {
  const a = [...values].sort((x, y) => x - y);
  const h = (a.length - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo] + (a[hi] - a[lo]) * (h - lo);
}
