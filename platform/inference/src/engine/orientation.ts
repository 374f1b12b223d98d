import {
  InvalidInputError,
  indexToWorld,
  type Direction,
  type Grid,
  type Vec3,
} from '@concord/core';
import type { ModelOrientation } from '../manifest/types.ts';

/**
 * Exact reordering of voxel axes (no interpolation): model axis m is source axis perm[m],
 * reversed when flip[m].
 */
export interface AxisMap {
  perm: [number, number, number];
  flip: [boolean, boolean, boolean];
}

/** World axis (LPS: x, y, z) and sign a letter of an axis code points along. */
const LETTER: Record<string, [number, 1 | -1]> = {
  L: [0, 1],
  R: [0, -1],
  P: [1, 1],
  A: [1, -1],
  S: [2, 1],
  I: [2, -1],
};

/**
 * How to reorder a grid with these direction cosines into `target` voxel order: model axis k
 * points towards letter k of the code (RAS, LPS, LIA, PIL, ...). Each source voxel axis counts
 * as the world axis its direction cosine points along most; an oblique grid stays oblique.
 */
export function orientationMapping(direction: Direction, target: ModelOrientation): AxisMap {
  const dominant: [number, number][] = [];
  for (let a = 0; a < 3; a++) {
    const d = [direction[a * 3], direction[a * 3 + 1], direction[a * 3 + 2]];
    let w = 0;
    for (let k = 1; k < 3; k++) if (Math.abs(d[k]) > Math.abs(d[w])) w = k;
    const other = dominant.findIndex(([wo]) => wo === w);
    if (other !== -1)
      throw new InvalidInputError(
        `Cannot reorient the volume to ${target}: axes ${other} and ${a} both point mostly along world axis ${'xyz'[w]}`,
      );
    dominant.push([w, Math.sign(d[w])]);
  }
  const perm: number[] = [];
  const flip: boolean[] = [];
  for (let k = 0; k < 3; k++) {
    const letter = LETTER[target[k]];
    if (!letter || target.length !== 3)
      throw new InvalidInputError(`Orientation ${target} is not a three-letter axis code`);
    const a = dominant.findIndex(([w]) => w === letter[0]);
    if (a === -1 || perm.includes(a))
      throw new InvalidInputError(`Orientation ${target} does not name each world axis once`);
    perm.push(a);
    flip.push(dominant[a][1] !== letter[1]);
  }
  return { perm: perm as AxisMap['perm'], flip: flip as AxisMap['flip'] };
}

export function isIdentityMap(m: AxisMap): boolean {
  return m.perm[0] === 0 && m.perm[1] === 1 && m.perm[2] === 2 && !m.flip.some(Boolean);
}

/** The grid of the reordered volume: same voxel positions in the world, new storage order. */
export function reorientGrid(g: Grid, m: AxisMap): Grid {
  const dims = m.perm.map((a) => g.dims[a]) as Vec3;
  const spacing = m.perm.map((a) => g.spacing[a]) as Vec3;
  const direction: number[] = [];
  const first: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const a = m.perm[k];
    const s = m.flip[k] ? -1 : 1;
    direction.push(s * g.direction[a * 3], s * g.direction[a * 3 + 1], s * g.direction[a * 3 + 2]);
    if (m.flip[k]) first[a] = g.dims[a] - 1;
  }
  return {
    dims,
    spacing,
    origin: indexToWorld(g, first),
    direction: direction as Direction,
    frameOfReferenceUID: g.frameOfReferenceUID,
  };
}

function strides(srcDims: Vec3, m: AxisMap) {
  const stride = [1, srcDims[0], srcDims[0] * srcDims[1]];
  const n = m.perm.map((a) => srcDims[a]);
  const step = m.perm.map((a, k) => (m.flip[k] ? -stride[a] : stride[a]));
  let base = 0;
  for (let k = 0; k < 3; k++) if (m.flip[k]) base += (n[k] - 1) * stride[m.perm[k]];
  return { n, step, base };
}

/** Copies `src` (source storage order) into model voxel order. */
export function reorderToModel<T extends ArrayLike<number> & { [i: number]: number }>(
  src: ArrayLike<number>,
  srcDims: Vec3,
  m: AxisMap,
  out: T,
): T {
  const { n, step, base } = strides(srcDims, m);
  let r = 0;
  for (let z = 0, sz = base; z < n[2]; z++, sz += step[2])
    for (let y = 0, sy = sz; y < n[1]; y++, sy += step[1])
      for (let x = 0, s = sy; x < n[0]; x++, s += step[0]) out[r++] = src[s];
  return out;
}

/** Copies model-order data back into source storage order. */
export function reorderToSource<T extends ArrayLike<number> & { [i: number]: number }>(
  modelOrder: ArrayLike<number>,
  srcDims: Vec3,
  m: AxisMap,
  out: T,
): T {
  const { n, step, base } = strides(srcDims, m);
  let r = 0;
  for (let z = 0, sz = base; z < n[2]; z++, sz += step[2])
    for (let y = 0, sy = sz; y < n[1]; y++, sy += step[1])
      for (let x = 0, s = sy; x < n[0]; x++, s += step[0]) out[s] = modelOrder[r++];
  return out;
}
