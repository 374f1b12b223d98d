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

/** A coded concept (DICOM Code Sequence item). */
export interface CodedConcept {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

/**
 * What a structure is, as codes (DICOM SEG segment, RTSTRUCT ROI, model class): the keys that
 * pair reference and prediction structures by meaning (docs/structures.md).
 */
export interface StructureCodes {
  /** SegmentedPropertyCategoryCodeSequence */
  category?: CodedConcept;
  /** SegmentedPropertyTypeCodeSequence */
  type?: CodedConcept;
  /** SegmentedPropertyTypeModifierCodeSequence (e.g. left / right) */
  typeModifier?: CodedConcept;
  /** AnatomicRegionSequence */
  anatomicRegion?: CodedConcept;
  /** AnatomicRegionModifierSequence */
  anatomicRegionModifier?: CodedConcept;
}

/** Display metadata of one label (structure) in a labelmap. */
export interface LabelInfo {
  label: number;
  name: string;
  /** sRGB 0..255 */
  color?: [number, number, number];
  /**
   * The layer that holds this label: 0 = `data`, k = `overlapLayers[k - 1]` (default 0).
   * See LabelVolume.overlapLayers.
   */
  layer?: number;
  codes?: StructureCodes;
}

/** A label array: 8 or 16 bit, 0 = background. */
export type LabelArray = Uint8Array | Uint16Array;

/**
 * A labelmap: non-negative integer labels, 8 or 16 bit, 0 = background. It is also the
 * structure set of the project (docs/structures.md): structures that overlap (an organ and a
 * lesion inside it, two raters' contours in one SEG) live on further layers, `overlapLayers`,
 * each a labelmap on the same grid in which every label occurs in one layer only. A voxel
 * belongs to structure l when the layer of l holds l there. Without `overlapLayers` the
 * structures are exclusive, the fast and usual case.
 */
export interface LabelVolume extends Volume<LabelArray> {
  labels?: LabelInfo[];
  /** Layers 1.. (layer 0 is `data`); absent or empty when no structures overlap. */
  overlapLayers?: LabelArray[];
}

/** Every layer of a labelmap, `data` first. */
export function labelLayers(v: Pick<LabelVolume, 'data' | 'overlapLayers'>): LabelArray[] {
  return v.overlapLayers?.length ? [v.data, ...v.overlapLayers] : [v.data];
}

/** True when the labelmap has structures on more than one layer (they may overlap). */
export function hasOverlapLayers(v: Pick<LabelVolume, 'overlapLayers'>): boolean {
  return (v.overlapLayers?.length ?? 0) > 0;
}

export const IDENTITY_DIRECTION: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(grid: Pick<Grid, 'dims'>): number {
  return grid.dims[0] * grid.dims[1] * grid.dims[2];
}

/** Volume of one voxel in mm^3 (spacing product; direction cosines are unit vectors). */
export function voxelVolumeMm3(grid: Pick<Grid, 'spacing'>): number {
  return grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
}
