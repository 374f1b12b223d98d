import { describe, expect, it } from 'vitest';
import {
  alignToReference,
  GeometryMismatchError,
  indexToWorld,
  InvalidInputError,
  resampleLabelsNearest,
  sameGrid,
  gridDifference,
  worldToIndex,
  type Direction,
  type Grid,
  type LabelVolume,
  type Vec3,
} from '../index.ts';

const obliqueDirection = (): Direction => {
  // rotation of 30 degrees about z, then 20 degrees about x
  const a = Math.PI / 6;
  const b = Math.PI / 9;
  const row: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const col: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const slice: Vec3 = [
    row[1] * col[2] - row[2] * col[1],
    row[2] * col[0] - row[0] * col[2],
    row[0] * col[1] - row[1] * col[0],
  ];
  return [...row, ...col, ...slice] as Direction;
};

const grid = (over: Partial<Grid> = {}): Grid => ({
  dims: [4, 5, 6],
  spacing: [0.5, 0.8, 2.5],
  origin: [-10, 20, 5],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  ...over,
});

describe('index <-> world', () => {
  it('maps anisotropic axis-aligned grids by spacing and origin', () => {
    expect(indexToWorld(grid(), [2, 3, 4])).toEqual([-10 + 1, 20 + 2.4000000000000004, 5 + 10]);
  });

  it('uses row/column/slice cosines for oblique grids and inverts exactly', () => {
    const g = grid({ direction: obliqueDirection() });
    const p = indexToWorld(g, [1, 2, 3]);
    // distance from origin equals the anisotropic length of the index vector
    const d = Math.hypot(p[0] + 10, p[1] - 20, p[2] - 5);
    expect(d).toBeCloseTo(Math.hypot(0.5, 1.6, 7.5), 10);
    const back = worldToIndex(g, p);
    back.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i], 10));
  });

  it('treats a flipped axis (negative cosine) as a mirror', () => {
    const g = grid({ direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] });
    expect(indexToWorld(g, [3, 0, 0])[0]).toBeCloseTo(-11.5);
  });

  it('rejects singular geometry with a user-facing error', () => {
    const g = grid({ direction: [1, 0, 0, 1, 0, 0, 0, 0, 1] });
    expect(() => worldToIndex(g, [0, 0, 0])).toThrow(InvalidInputError);
  });
});

describe('sameGrid', () => {
  it('accepts differences within 1e-3 mm and 1e-4 direction', () => {
    const a = grid();
    expect(sameGrid(a, grid({ origin: [-10.0009, 20, 5] }))).toBe(true);
    expect(sameGrid(a, grid({ origin: [-10.002, 20, 5] }))).toBe(false);
    expect(sameGrid(a, grid({ direction: [1, 0.00005, 0, 0, 1, 0, 0, 0, 1] }))).toBe(true);
    expect(sameGrid(a, grid({ direction: [1, 0.0002, 0, 0, 1, 0, 0, 0, 1] }))).toBe(false);
  });
  it('names what differs', () => {
    expect(gridDifference(grid(), grid({ dims: [4, 5, 7] }))).toMatch(
      /dims differ \(4x5x6 vs 4x5x7\)/,
    );
    expect(gridDifference(grid(), grid({ spacing: [0.5, 0.8, 3] }))).toMatch(/spacing differs/);
  });
});

function labelsOn(g: Grid, f: (i: number, j: number, k: number) => number): LabelVolume {
  const data = new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
  let o = 0;
  for (let k = 0; k < g.dims[2]; k++)
    for (let j = 0; j < g.dims[1]; j++) for (let i = 0; i < g.dims[0]; i++) data[o++] = f(i, j, k);
  return { ...g, data };
}

describe('nearest-neighbour resampling in physical space', () => {
  it('undoes a flip of the i axis (same world positions, reversed storage)', () => {
    const ref = grid();
    const flipped: Grid = {
      ...ref,
      origin: indexToWorld(ref, [ref.dims[0] - 1, 0, 0]),
      direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    const refLabels = labelsOn(ref, (i, j, k) => (i * 7 + j * 3 + k) % 5);
    const stored = labelsOn(
      flipped,
      (i, j, k) => refLabels.data[ref.dims[0] - 1 - i + j * 4 + k * 20],
    );
    const { volume } = resampleLabelsNearest(stored, ref);
    expect(Array.from(volume.data)).toEqual(Array.from(refLabels.data));
  });

  it('maps a permuted (i<->j) oblique, anisotropic storage back exactly', () => {
    const ref = grid({ direction: obliqueDirection() });
    const d = ref.direction;
    const permuted: Grid = {
      dims: [ref.dims[1], ref.dims[0], ref.dims[2]],
      spacing: [ref.spacing[1], ref.spacing[0], ref.spacing[2]],
      origin: ref.origin,
      direction: [d[3], d[4], d[5], d[0], d[1], d[2], d[6], d[7], d[8]],
    };
    const refLabels = labelsOn(ref, (i, j, k) => 1 + ((i + 2 * j + 3 * k) % 4));
    const stored = labelsOn(permuted, (a, b, k) => refLabels.data[b + a * 4 + k * 20]);
    const { volume, insideCount } = resampleLabelsNearest(stored, ref);
    expect(insideCount).toBe(120);
    expect(Array.from(volume.data)).toEqual(Array.from(refLabels.data));
  });

  it('places a smaller field of view inside the reference and fills the rest with 0', () => {
    const ref = grid({ dims: [10, 10, 4], spacing: [1, 1, 1], origin: [0, 0, 0] });
    const small: Grid = {
      dims: [3, 3, 2],
      spacing: [1, 1, 1],
      origin: [4, 5, 1],
      direction: ref.direction,
    };
    const { volume, insideCount } = resampleLabelsNearest(
      labelsOn(small, () => 9),
      ref,
    );
    expect(insideCount).toBe(18);
    let nines = 0;
    volume.data.forEach((v, idx) => {
      if (v === 9) {
        nines++;
        const i = idx % 10,
          j = Math.floor(idx / 10) % 10,
          k = Math.floor(idx / 100);
        expect(i >= 4 && i <= 6 && j >= 5 && j <= 7 && k >= 1 && k <= 2).toBe(true);
      }
    });
    expect(nines).toBe(18);
  });

  it('downsamples a fine grid by picking the nearest fine voxel', () => {
    const coarse: Grid = {
      dims: [3, 1, 1],
      spacing: [2, 1, 1],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    const fine: Grid = {
      dims: [6, 1, 1],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
      direction: coarse.direction,
    };
    const { volume } = resampleLabelsNearest(
      labelsOn(fine, (i) => i),
      coarse,
    );
    expect(Array.from(volume.data)).toEqual([0, 2, 4]);
  });
});

describe('alignToReference', () => {
  const ref = { ...grid(), frameOfReferenceUID: '1.2.3' };
  it('returns the same object when the grids already match', () => {
    const pred = labelsOn(ref, () => 1);
    expect(alignToReference({ ...pred, frameOfReferenceUID: '1.2.3' }, ref).data).toBe(pred.data);
  });
  it('refuses different frames of reference, naming both grids', () => {
    const pred = { ...labelsOn(grid({ origin: [0, 0, 0] }), () => 1), frameOfReferenceUID: '9.9' };
    expect(() => alignToReference(pred, ref)).toThrow(GeometryMismatchError);
    expect(() => alignToReference(pred, ref)).toThrow(/FoR 9\.9.*FoR 1\.2\.3/);
  });
  it('refuses a prediction whose field of view misses the reference', () => {
    const pred = labelsOn(grid({ origin: [500, 500, 500] }), () => 1);
    expect(() => alignToReference(pred, ref)).toThrow(/does not overlap/);
  });
});
