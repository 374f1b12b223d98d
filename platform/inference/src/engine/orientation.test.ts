import { describe, expect, it } from 'vitest';
import {
  indexToWorld,
  InvalidInputError,
  type Direction,
  type Grid,
  type Vec3,
} from '@concord/core';
import {
  orientationMapping,
  reorderToModel,
  reorderToSource,
  reorientGrid,
} from './orientation.ts';

const LPS_AXIAL: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
// sagittal storage: i runs posterior->anterior (-y), j runs superior->inferior (-z), k runs right->left (+x)
const SAGITTAL: Direction = [0, -1, 0, 0, 0, -1, 1, 0, 0];

function grid(direction: Direction, dims: Vec3 = [4, 5, 6]): Grid {
  return { dims, spacing: [0.5, 1, 2], origin: [10, -20, 30], direction };
}

function indexOf(g: Grid, n: number): Vec3 {
  return [
    n % g.dims[0],
    Math.floor(n / g.dims[0]) % g.dims[1],
    Math.floor(n / (g.dims[0] * g.dims[1])),
  ];
}

describe.each([
  ['LPS axial', LPS_AXIAL],
  ['sagittal', SAGITTAL],
  ['oblique RAS-stored', [-0.98, 0.199, 0, -0.199, -0.98, 0, 0, 0, 1] as Direction],
])('reorientation of a %s volume', (_, direction) => {
  for (const target of ['RAS', 'LPS', 'LIA', 'PIL', 'SRA'] as const) {
    it(`to ${target} keeps every voxel at its world position`, () => {
      const g = grid(direction);
      const map = orientationMapping(g.direction, target);
      const r = reorientGrid(g, map);
      const n = g.dims[0] * g.dims[1] * g.dims[2];
      const src = Float32Array.from({ length: n }, (_, i) => i);
      const model = reorderToModel(src, g.dims, map, new Float32Array(n));
      for (let m = 0; m < n; m++) {
        const p = indexToWorld(r, indexOf(r, m));
        const q = indexToWorld(g, indexOf(g, model[m]));
        p.forEach((v, a) => expect(v).toBeCloseTo(q[a], 9));
      }
      expect(Array.from(reorderToSource(model, g.dims, map, new Float32Array(n)))).toEqual(
        Array.from(src),
      );
      // the model axes point where the target says (sign of the dominant LPS component)
      // (L = +x, P = +y, S = +z in LPS)
      const toward: Record<string, [number, number]> = {
        L: [0, 1],
        R: [0, -1],
        P: [1, 1],
        A: [1, -1],
        S: [2, 1],
        I: [2, -1],
      };
      for (let a = 0; a < 3; a++) {
        const d = r.direction.slice(a * 3, a * 3 + 3);
        const w = d.map(Math.abs).indexOf(Math.max(...d.map(Math.abs)));
        expect(w).toBe(toward[target[a]][0]);
        expect(Math.sign(d[w])).toBe(toward[target[a]][1]);
      }
    });
  }
});

describe('left/right convention', () => {
  it('puts the patient-left half first along RAS axis 0 (x grows to the right)', () => {
    // LPS axial storage: i grows towards the patient's left (+x_LPS)
    const g = grid(LPS_AXIAL, [4, 1, 1]);
    const src = Float32Array.from([0, 0, 7, 7]); // 7 = patient-left half
    const map = orientationMapping(g.direction, 'RAS');
    expect(map.flip[0]).toBe(true);
    expect(Array.from(reorderToModel(src, g.dims, map, new Float32Array(4)))).toEqual([7, 7, 0, 0]);
  });

  it('refuses a direction with two axes along one world axis', () => {
    expect(() => orientationMapping([1, 0, 0, 0.9, 0.1, 0, 0, 0, 1], 'RAS')).toThrow(
      InvalidInputError,
    );
  });
});
