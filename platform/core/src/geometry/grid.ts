import { GeometryMismatchError, InvalidInputError } from '../errors/index.ts';
import { composeAffines, indexToWorldAffine, invertAffine } from './transforms.ts';
import type { Grid, LabelArray, LabelVolume, Vec3 } from './types.ts';
import { labelLayers, voxelCount } from './types.ts';

export interface GridTolerance {
  /** Allowed difference of origin and spacing, mm. */
  mm: number;
  /** Allowed difference of each direction cosine. */
  direction: number;
}

/** docs/geometry.md: equal dims, origin/spacing within 1e-3 mm, direction within 1e-4. */
export const DEFAULT_GRID_TOLERANCE: GridTolerance = { mm: 1e-3, direction: 1e-4 };

/** Why two grids differ, or null when they are the same grid within tolerance. */
export function gridDifference(
  a: Grid,
  b: Grid,
  tol: GridTolerance = DEFAULT_GRID_TOLERANCE,
): string | null {
  for (let i = 0; i < 3; i++) {
    if (a.dims[i] !== b.dims[i]) return `dims differ (${a.dims.join('x')} vs ${b.dims.join('x')})`;
  }
  for (let i = 0; i < 3; i++) {
    if (Math.abs(a.spacing[i] - b.spacing[i]) > tol.mm)
      return `spacing differs (${fmt(a.spacing)} vs ${fmt(b.spacing)} mm)`;
  }
  for (let i = 0; i < 3; i++) {
    if (Math.abs(a.origin[i] - b.origin[i]) > tol.mm)
      return `origin differs (${fmt(a.origin)} vs ${fmt(b.origin)} mm)`;
  }
  for (let i = 0; i < 9; i++) {
    if (Math.abs(a.direction[i] - b.direction[i]) > tol.direction) {
      return `direction differs (${fmt(a.direction)} vs ${fmt(b.direction)})`;
    }
  }
  return null;
}

export function sameGrid(a: Grid, b: Grid, tol: GridTolerance = DEFAULT_GRID_TOLERANCE): boolean {
  return gridDifference(a, b, tol) === null;
}

/** One-line description of a grid for error messages. */
export function describeGrid(g: Grid): string {
  const f = g.frameOfReferenceUID ? `, FoR ${g.frameOfReferenceUID}` : '';
  return `${g.dims.join('x')} @ ${fmt(g.spacing)} mm, origin ${fmt(g.origin)}, direction ${fmt(g.direction)}${f}`;
}

function fmt(v: readonly number[]): string {
  return `[${v.map((x) => Number(x.toFixed(4))).join(', ')}]`;
}

/** Copies the geometry fields of a grid (not its data). */
export function gridOf(g: Grid): Grid {
  return {
    dims: [...g.dims] as Vec3,
    spacing: [...g.spacing] as Vec3,
    origin: [...g.origin] as Vec3,
    direction: [...g.direction] as Grid['direction'],
    frameOfReferenceUID: g.frameOfReferenceUID,
  };
}

/**
 * Nearest-neighbour resampling of a label volume onto another grid, in physical space, every
 * layer of a structure set alike. Target voxels whose centre falls outside the source grid get
 * label 0. Returns the resampled volume and how many target voxels were inside the source.
 */
export function resampleLabelsNearest(
  source: LabelVolume,
  target: Grid,
): { volume: LabelVolume; insideCount: number } {
  const layers = labelLayers(source).map((src) => resampleLayer(src, source, target));
  const [first, ...rest] = layers;
  const volume: LabelVolume = { ...gridOf(target), data: first.out, labels: source.labels };
  if (rest.length) volume.overlapLayers = rest.map((l) => l.out);
  return { volume, insideCount: first.inside };
}

function resampleLayer(
  src: LabelArray,
  source: Grid,
  target: Grid,
): { out: LabelArray; inside: number } {
  const n = voxelCount(target);
  const out = src instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n);
  // target index -> world -> source index
  const m = composeAffines(invertAffine(indexToWorldAffine(source)), indexToWorldAffine(target));
  const [sx, sy, sz] = source.dims;
  const sxy = sx * sy;
  let inside = 0;
  let o = 0;
  const [nx, ny, nz] = target.dims;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // continuous source index at i = 0; step by the first column of m for each i
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < nx; i++, o++) {
        // round half up, with a tiny epsilon so exact half-voxel grids are deterministic
        const si = Math.floor(x + 0.5 + 1e-9);
        const sj = Math.floor(y + 0.5 + 1e-9);
        const sk = Math.floor(z + 0.5 + 1e-9);
        if (si >= 0 && si < sx && sj >= 0 && sj < sy && sk >= 0 && sk < sz) {
          out[o] = src[si + sj * sx + sk * sxy];
          inside++;
        }
        x += m[0];
        y += m[4];
        z += m[8];
      }
    }
  }
  return { out, inside };
}

/**
 * Puts a prediction on the reference grid (docs/geometry.md): returned as is when the grids match;
 * resampled by nearest neighbour when they share a frame of reference (or both are in NIfTI
 * world space); otherwise, or when the fields of view do not overlap, GeometryMismatchError.
 */
export function alignToReference(prediction: LabelVolume, reference: Grid): LabelVolume {
  if (sameGrid(prediction, reference)) return prediction;
  const pf = prediction.frameOfReferenceUID;
  const rf = reference.frameOfReferenceUID;
  if (pf && rf && pf !== rf) {
    throw new GeometryMismatchError(
      `Prediction and reference are in different frames of reference and cannot be compared: prediction ${describeGrid(prediction)}; reference ${describeGrid(reference)}`,
    );
  }
  const { volume, insideCount } = resampleLabelsNearest(prediction, reference);
  if (insideCount === 0) {
    throw new GeometryMismatchError(
      `Prediction's field of view does not overlap the reference grid: prediction ${describeGrid(prediction)}; reference ${describeGrid(reference)}`,
    );
  }
  return volume;
}

/** Checks that a data array fits its grid; throws InvalidInputError otherwise. */
export function assertVolumeShape(
  v: { dims: Vec3; data: { length: number } },
  what = 'volume',
): void {
  if (v.dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidInputError(`${what} has invalid dimensions ${v.dims.join('x')}`);
  }
  const n = v.dims[0] * v.dims[1] * v.dims[2];
  if (v.data.length !== n) {
    throw new InvalidInputError(
      `${what} holds ${v.data.length} voxels but its dimensions ${v.dims.join('x')} need ${n}`,
    );
  }
}
