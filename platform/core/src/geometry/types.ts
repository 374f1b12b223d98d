/** Typed arrays a volume may hold. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type Vec3 = [number, number, number];

/**
 * Direction cosines, 9 numbers: row (i axis), column (j axis), slice (k axis), each a unit
 * vector in patient LPS coordinates. Same layout as Cornerstone3D's `direction`.
 */
export type Direction = [number, number, number, number, number, number, number, number, number];

/**
 * The sampling grid of a volume (docs/geometry.md). Voxel (i, j, k) sits at
 * `origin + i*spacing[0]*row + j*spacing[1]*col + k*spacing[2]*slice` (mm, LPS).
 * Data is stored with i fastest, then j, then k.
 */
export interface Grid {
  dims: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Direction;
  /** DICOM FrameOfReferenceUID; undefined for NIfTI (world space) or unknown. */
  frameOfReferenceUID?: string;
}

export interface Volume<T extends TypedArray = TypedArray> extends Grid {
  data: T;
}

/** Display metadata of one label in a labelmap. */
export interface LabelInfo {
  label: number;
  name: string;
  /** sRGB 0..255 */
  color?: [number, number, number];
}

/** A labelmap: non-negative integer labels, 8 or 16 bit, 0 = background. */
export interface LabelVolume extends Volume<Uint8Array | Uint16Array> {
  labels?: LabelInfo[];
}

export const IDENTITY_DIRECTION: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(grid: Pick<Grid, 'dims'>): number {
  return grid.dims[0] * grid.dims[1] * grid.dims[2];
}

/** Volume of one voxel in mm^3 (spacing product; direction cosines are unit vectors). */
export function voxelVolumeMm3(grid: Pick<Grid, 'spacing'>): number {
  return grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
}
