import { describe, expect, it } from 'vitest';
import { directedDistances, edtBuffers, squaredEdt } from './edt.ts';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('squaredEdt (Felzenszwalb–Huttenlocher, anisotropic)', () => {
  it('matches exhaustive search on random sparse features', () => {
    const rnd = lcg(7);
    for (const [dims, spacing] of [
      [
        [9, 7, 5],
        [1, 1, 1],
      ],
      [
        [6, 11, 8],
        [0.5, 2, 3.3],
      ],
      [
        [13, 1, 4],
        [0.7, 1, 1.9],
      ],
      [
        [1, 1, 9],
        [1, 1, 0.25],
      ],
    ] as [[number, number, number], [number, number, number]][]) {
      const n = dims[0] * dims[1] * dims[2];
      const flags = new Uint8Array(n);
      for (let o = 0; o < n; o++) if (rnd() < 0.04) flags[o] = 4;
      flags[Math.floor(rnd() * n)] = 4;
      for (let o = 0; o < n; o++) if (rnd() < 0.1) flags[o] |= 2;
      const out = squaredEdt(flags, 4, dims, spacing, new Float32Array(n));
      const atQueries = squaredEdt(flags, 4, dims, spacing, new Float32Array(n), 2);
      const feats: number[][] = [];
      for (let o = 0; o < n; o++)
        if (flags[o] & 4)
          feats.push([
            o % dims[0],
            Math.floor(o / dims[0]) % dims[1],
            Math.floor(o / dims[0] / dims[1]),
          ]);
      for (let o = 0; o < n; o++) {
        const p = [
          o % dims[0],
          Math.floor(o / dims[0]) % dims[1],
          Math.floor(o / dims[0] / dims[1]),
        ];
        let best = Infinity;
        for (const f of feats) {
          const d =
            ((p[0] - f[0]) * spacing[0]) ** 2 +
            ((p[1] - f[1]) * spacing[1]) ** 2 +
            ((p[2] - f[2]) * spacing[2]) ** 2;
          best = Math.min(best, d);
        }
        expect(out[o]).toBeCloseTo(best, 4);
        if (flags[o] & 2) expect(atQueries[o]).toBeCloseTo(best, 4);
      }
    }
  });

  it('gives Infinity everywhere without features and ignores other flag bits', () => {
    const flags = new Uint8Array(27).fill(8);
    const out = squaredEdt(flags, 4, [3, 3, 3], [1, 1, 1], new Float32Array(27));
    expect(Array.from(out).every((d) => d === Infinity)).toBe(true);
  });

  it('directedDistances (ring search + plane fallback) matches exhaustive search', () => {
    const rnd = lcg(11);
    for (const [dims, spacing] of [
      [
        [17, 13, 9],
        [0.8, 1.3, 2.1],
      ],
      [
        [30, 4, 6],
        [1, 1, 1],
      ],
    ] as [[number, number, number], [number, number, number]][]) {
      const n = dims[0] * dims[1] * dims[2];
      const flags = new Uint8Array(n);
      for (let o = 0; o < n; o++) {
        if (rnd() < 0.01) flags[o] |= 4;
        if (rnd() < 0.2) flags[o] |= 8;
      }
      flags[0] |= 4;
      const P = (o: number) => [
        o % dims[0],
        Math.floor(o / dims[0]) % dims[1],
        Math.floor(o / dims[0] / dims[1]),
      ];
      const feats: number[][] = [];
      const want: number[] = [];
      for (let o = 0; o < n; o++) if (flags[o] & 4) feats.push(P(o));
      for (let o = 0; o < n; o++) {
        if (!(flags[o] & 8)) continue;
        const p = P(o);
        let best = Infinity;
        for (const f of feats)
          best = Math.min(
            best,
            ((p[0] - f[0]) * spacing[0]) ** 2 +
              ((p[1] - f[1]) * spacing[1]) ** 2 +
              ((p[2] - f[2]) * spacing[2]) ** 2,
          );
        want.push(Math.sqrt(best));
      }
      for (const maxRing of [0, 1, 3, 100]) {
        const out = new Float64Array(want.length);
        directedDistances(
          flags,
          4,
          8,
          dims,
          spacing,
          edtBuffers(n, dims[0] * dims[1], 40),
          out,
          maxRing,
        );
        out.forEach((d, q) => expect(d).toBeCloseTo(want[q], 9));
      }
    }
  });
});
