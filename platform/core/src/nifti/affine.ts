import { InvalidInputError } from '../errors/index.ts';
import type { Direction, Grid, Vec3 } from '../geometry/index.ts';
import type { NiftiHeader } from './header.ts';

/** 4x4 row-major affine (only the first 3 rows are stored: 12 numbers). */
export type Mat34 = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** Rotation matrix (row-major 3x3) of a NIfTI quaternion (b, c, d); a is implied. */
export function quaternionToRotation(b: number, c: number, d: number): number[] {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // b, c, d describe a 180-degree rotation: renormalise them (nifti1_io does the same)
    const n = Math.hypot(b, c, d);
    b /= n;
    c /= n;
    d /= n;
    a = 0;
  } else a = Math.sqrt(a);
  return [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - c * c - b * b,
  ];
}

/**
 * RAS affine of a NIfTI header, with the same precedence as nibabel: sform when
 * sform_code > 0, else qform when qform_code > 0, else the Analyze-style fallback
 * (pixdim scaling, x flipped, centred).
 */
export function niftiRasAffine(h: NiftiHeader): Mat34 {
  const dims = [h.dim[1], h.dim[2] || 1, h.dim[3] || 1];
  if (h.sformCode > 0) {
    return [...h.srow[0], ...h.srow[1], ...h.srow[2]] as Mat34;
  }
  if (h.qformCode > 0) {
    const r = quaternionToRotation(...h.quatern);
    const qfac = h.pixdim[0] < 0 ? -1 : 1;
    const s = [h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac];
    const out: number[] = [];
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 3; col++) out.push(r[row * 3 + col] * s[col]);
      out.push(h.qoffset[row]);
    }
    return out as Mat34;
  }
  const z = [1, 2, 3].map((i) => (h.pixdim[i] > 0 ? h.pixdim[i] : 1));
  const zx = -z[0];
  return [
    zx,
    0,
    0,
    -((dims[0] - 1) / 2) * zx,
    0,
    z[1],
    0,
    -((dims[1] - 1) / 2) * z[1],
    0,
    0,
    z[2],
    -((dims[2] - 1) / 2) * z[2],
  ];
}

/** Grid (LPS) of a RAS affine: flip x and y, spacing = column norms, direction = unit columns. */
export function rasAffineToGrid(m: Mat34, dims: Vec3): Grid {
  const lps = [-1, -1, 1];
  const spacing: number[] = [];
  const direction: number[] = [];
  for (let c = 0; c < 3; c++) {
    const col = [0, 1, 2].map((r) => m[r * 4 + c] * lps[r]);
    const n = Math.hypot(col[0], col[1], col[2]);
    if (!(n > 0) || !Number.isFinite(n)) {
      throw new InvalidInputError(`NIfTI affine has a zero or invalid column ${c} (no voxel size)`);
    }
    spacing.push(n);
    // `+ 0` turns -0 into 0 so flipped axes compare equal to literal directions
    direction.push(col[0] / n + 0, col[1] / n + 0, col[2] / n + 0);
  }
  return {
    dims,
    spacing: spacing as Vec3,
    origin: [m[3] * lps[0] + 0, m[7] * lps[1] + 0, m[11] + 0] as Vec3,
    direction: direction as Direction,
  };
}

/** RAS affine (3x4) of an LPS grid. */
export function gridToRasAffine(g: Grid): Mat34 {
  const lps = [-1, -1, 1];
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out.push(g.direction[c * 3 + r] * g.spacing[c] * lps[r]);
    out.push(g.origin[r] * lps[r]);
  }
  return out as Mat34;
}

/**
 * NIfTI quaternion parameters of a RAS affine: the nearest rotation (Gram-Schmidt on the
 * unit columns) with qfac = -1 when the affine is left-handed.
 */
export function rasAffineToQuaternion(m: Mat34): {
  b: number;
  c: number;
  d: number;
  qfac: 1 | -1;
  pixdim: Vec3;
  offset: Vec3;
} {
  const cols = [0, 1, 2].map((c) => [m[c], m[4 + c], m[8 + c]]);
  const pixdim = cols.map((v) => Math.hypot(v[0], v[1], v[2])) as Vec3;
  const u = cols.map((v, i) => v.map((x) => x / pixdim[i]));
  // orthonormalise: u0, u1 ⟂ u0, u2 = u0 x u1 (sign decides qfac)
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const norm = (a: number[]) => {
    const n = Math.hypot(a[0], a[1], a[2]);
    return a.map((x) => x / n);
  };
  const e0 = norm(u[0]);
  const e1 = norm(u[1].map((x, i) => x - dot(u[1], e0) * e0[i]));
  const e2 = [
    e0[1] * e1[2] - e0[2] * e1[1],
    e0[2] * e1[0] - e0[0] * e1[2],
    e0[0] * e1[1] - e0[1] * e1[0],
  ];
  const qfac: 1 | -1 = dot(e2, u[2]) < 0 ? -1 : 1;
  const r = [
    [e0[0], e1[0], e2[0]],
    [e0[1], e1[1], e2[1]],
    [e0[2], e1[2], e2[2]],
  ];
  // rotation matrix -> quaternion (nifti1_io's nifti_mat44_to_quatern)
  let a = r[0][0] + r[1][1] + r[2][2] + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r[2][1] - r[1][2])) / a;
    c = (0.25 * (r[0][2] - r[2][0])) / a;
    d = (0.25 * (r[1][0] - r[0][1])) / a;
  } else {
    const xd = 1 + r[0][0] - (r[1][1] + r[2][2]);
    const yd = 1 + r[1][1] - (r[0][0] + r[2][2]);
    const zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r[0][1] + r[1][0])) / b;
      d = (0.25 * (r[0][2] + r[2][0])) / b;
      a = (0.25 * (r[2][1] - r[1][2])) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r[0][1] + r[1][0])) / c;
      d = (0.25 * (r[1][2] + r[2][1])) / c;
      a = (0.25 * (r[0][2] - r[2][0])) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r[0][2] + r[2][0])) / d;
      c = (0.25 * (r[1][2] + r[2][1])) / d;
      a = (0.25 * (r[1][0] - r[0][1])) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac, pixdim, offset: [m[3], m[7], m[11]] };
}
