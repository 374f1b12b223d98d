import { describe, expect, it } from 'vitest';
import { componentIntersections, connectedComponents, type Connectivity } from './components.ts';

/** Flood fill over every voxel (the textbook definition), numbering by first voxel in raster order. */
function bruteComponents(mask: Uint8Array, dims: [number, number, number], conn: Connectivity) {
  const [nx, ny, nz] = dims;
  const out = new Int32Array(mask.length);
  let n = 0;
  const steps: number[][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const d = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (d > 0 && (conn === 26 || d === 1)) steps.push([di, dj, dk]);
      }
  for (let o = 0; o < mask.length; o++) {
    if (!mask[o] || out[o]) continue;
    out[o] = ++n;
    const stack = [o];
    while (stack.length) {
      const p = stack.pop()!;
      const i = p % nx;
      const j = Math.floor(p / nx) % ny;
      const k = Math.floor(p / (nx * ny));
      for (const [di, dj, dk] of steps) {
        const a = i + di;
        const b = j + dj;
        const c = k + dk;
        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
        const q = a + nx * (b + ny * c);
        if (mask[q] && !out[q]) {
          out[q] = n;
          stack.push(q);
        }
      }
    }
  }
  return { labels: out, n };
}

/** The per-voxel component numbers of the run representation. */
function voxelLabels(c: ReturnType<typeof connectedComponents>, dims: [number, number, number]) {
  const [nx, ny] = dims;
  const out = new Int32Array(dims[0] * dims[1] * dims[2]);
  for (let r = 0; r + 1 < c.rowRuns.length; r++) {
    const j = r % ny;
    const k = Math.floor(r / ny);
    for (let x = c.rowRuns[r]; x < c.rowRuns[r + 1]; x++)
      for (let i = c.runStart[x]; i <= c.runEnd[x]; i++)
        out[i + nx * (j + ny * k)] = c.runComponent[x];
  }
  return out;
}

describe('connected components on runs', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const dims: [number, number, number] = [9, 7, 6];
  const whole = {
    min: [0, 0, 0] as [number, number, number],
    max: [8, 6, 5] as [number, number, number],
  };

  it.each([6, 26] as const)('equals a flood fill on random masks (%i-connected)', (conn) => {
    for (let trial = 0; trial < 60; trial++) {
      const density = 0.15 + 0.35 * rand();
      const mask = Uint8Array.from({ length: 9 * 7 * 6 }, () => (rand() < density ? 2 : 0));
      const got = connectedComponents(mask, dims, 2, whole, conn);
      const want = bruteComponents(mask, dims, conn);
      expect(got.n).toBe(want.n);
      expect(voxelLabels(got, dims)).toEqual(want.labels);
      let voxels = 0;
      for (let c = 1; c <= got.n; c++) voxels += got.voxels[c];
      expect(voxels).toBe(mask.filter((v) => v).length);
    }
  });

  it('touches diagonally across slices only at 26-connectivity', () => {
    const mask = new Uint8Array(9 * 7 * 6);
    mask[2 + 9 * (3 + 7 * 1)] = 1; // (2, 3, 1)
    mask[3 + 9 * (4 + 7 * 2)] = 1; // (3, 4, 2): a corner away
    expect(connectedComponents(mask, dims, 1, whole, 26).n).toBe(1);
    expect(connectedComponents(mask, dims, 1, whole, 6).n).toBe(2);
  });

  it('counts the voxels two sides share per pair of components', () => {
    for (let trial = 0; trial < 20; trial++) {
      const a = Uint8Array.from({ length: 9 * 7 * 6 }, () => (rand() < 0.3 ? 1 : 0));
      const b = Uint8Array.from({ length: 9 * 7 * 6 }, () => (rand() < 0.3 ? 1 : 0));
      const ca = connectedComponents(a, dims, 1, whole, 26);
      const cb = connectedComponents(b, dims, 1, whole, 26);
      const la = voxelLabels(ca, dims);
      const lb = voxelLabels(cb, dims);
      const want = new Map<number, number>();
      for (let o = 0; o < la.length; o++) {
        if (la[o] && lb[o]) {
          const key = la[o] * (cb.n + 1) + lb[o];
          want.set(key, (want.get(key) ?? 0) + 1);
        }
      }
      expect(new Map([...componentIntersections(ca, cb)].sort((x, y) => x[0] - y[0]))).toEqual(
        new Map([...want].sort((x, y) => x[0] - y[0])),
      );
    }
  });
});
