import { InvalidInputError } from '../errors/index.ts';
import type { Grid, Vec3 } from './types.ts';

/**
 * 3x4 affine (row-major, last column = translation) mapping continuous voxel indices
 * (i, j, k) to patient LPS coordinates in mm.
 */
export type Affine = Float64Array;

export function indexToWorldAffine(grid: Grid): Affine {
  const { spacing: s, origin: o, direction: d } = grid;
  // column c of the linear part is axis c's direction cosine scaled by its spacing
  return new Float64Array([
    d[0] * s[0],
    d[3] * s[1],
    d[6] * s[2],
    o[0],
    d[1] * s[0],
    d[4] * s[1],
    d[7] * s[2],
    o[1],
    d[2] * s[0],
    d[5] * s[1],
    d[8] * s[2],
    o[2],
  ]);
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, tx, d, e, f, ty, g, h, i, tz] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new InvalidInputError(
      'Volume geometry is degenerate (direction cosines or spacing give a singular matrix)',
    );
  }
  const inv = [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    out[r * 4] = inv[r * 3];
    out[r * 4 + 1] = inv[r * 3 + 1];
    out[r * 4 + 2] = inv[r * 3 + 2];
    out[r * 4 + 3] = -(inv[r * 3] * tx + inv[r * 3 + 1] * ty + inv[r * 3 + 2] * tz);
  }
  return out;
}

/** Composes two affines: result(x) = a(b(x)). */
export function composeAffines(a: Affine, b: Affine): Affine {
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      let v = a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c];
      if (c === 3) v += a[r * 4 + 3];
      out[r * 4 + c] = v;
    }
  }
  return out;
}

export function applyAffine(m: Affine, p: Readonly<Vec3>): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** Patient (LPS, mm) position of a continuous voxel index. */
export function indexToWorld(grid: Grid, ijk: Readonly<Vec3>): Vec3 {
  return applyAffine(indexToWorldAffine(grid), ijk);
}

/** Continuous voxel index of a patient (LPS, mm) position. */
export function worldToIndex(grid: Grid, xyz: Readonly<Vec3>): Vec3 {
  return applyAffine(invertAffine(indexToWorldAffine(grid)), xyz);
}

/** Axis-aligned bounding box (LPS, mm) of the voxel centres of a grid. */
export function worldBounds(grid: Grid): { min: Vec3; max: Vec3 } {
  const m = indexToWorldAffine(grid);
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = applyAffine(m, [
      corner & 1 ? grid.dims[0] - 1 : 0,
      corner & 2 ? grid.dims[1] - 1 : 0,
      corner & 4 ? grid.dims[2] - 1 : 0,
    ]);
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], p[a]);
      max[a] = Math.max(max[a], p[a]);
    }
  }
  return { min, max };
}
