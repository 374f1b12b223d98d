import type { StructureCodes } from '@concord/core';

/** `concord.model/v1` (docs/manifest.md): the manifest that sits next to an `.onnx` file. */
export const MODEL_MANIFEST_SCHEMA_ID = 'concord.model/v1';

/**
 * Voxel order the model expects: three letters saying where voxel axes 0, 1, 2 point, one of
 * R/L, one of A/P and one of S/I (RAS, LPS, FreeSurfer's LIA, PIL, ...).
 */
export type ModelOrientation = string;

/** `spacing`: trilinear to `spacing`; `conform`: FreeSurfer's conform (docs/manifest.md#conform). */
export type ResampleMode = 'spacing' | 'conform';

export interface CropSpec {
  /** Foreground = model-grid voxels above this, before intensity normalisation (default 0). */
  threshold?: number;
  /** Voxels added on each side of the foreground's bounding box (clamped to the grid). */
  margin: number;
}

export interface PostprocessingSpec {
  /** Keep only the largest 26-connected component of each class, or of the foreground. */
  largestComponent?: 'perClass' | 'foreground';
  /** Fill background voxels enclosed by a class (6-connected holes), class by class. */
  fillHoles?: boolean;
}

export type IntensityNormalisation =
  | {
      type: 'percentile';
      /** Percentiles in [0, 100] (numpy 'linear' interpolation). */
      low: number;
      high: number;
      /** Statistics over non-zero voxels only; the mapping is applied to every voxel. */
      nonzeroOnly: boolean;
      outputRange: [number, number];
      clip: boolean;
    }
  | {
      type: 'zscore';
      /** Omitted = computed per volume. */
      mean?: number;
      std?: number;
      /** Statistics over non-zero voxels, and zero voxels stay 0 (nnU-Net convention). */
      nonzeroOnly: boolean;
    }
  | { type: 'window'; center: number; width: number; outputRange: [number, number] }
  | { type: 'none' };

export interface ModelClass {
  label: number;
  name: string;
  color?: [number, number, number];
  /** what the class is, as DICOM codes (category + type required): SEG segments, pairing */
  code?: StructureCodes;
}

/** docs/manifest.md#expected-images */
export interface ModelExpects {
  /** DICOM Modality, e.g. "MR". */
  modality: string;
  /** DICOM BodyPartExamined, e.g. "HEAD" (compared case-insensitively). */
  bodyPart?: string;
  /** A word or phrase the SeriesDescription contains (case-insensitive), e.g. "T1". */
  description?: string;
}

export interface ModelManifest {
  schema: typeof MODEL_MANIFEST_SCHEMA_ID;
  name: string;
  version: string;
  description?: string;
  /** The images the model was trained on (a series that differs gets a warning). */
  expects?: ModelExpects;
  /** ONNX file, relative to the manifest. */
  file: string;
  /** Lower-case hex sha256 of the ONNX file. */
  sha256: string;
  dimensionality: '2d' | '3d';
  input: {
    name: string;
    layout: 'NCHW' | 'NCDHW';
    channels: number;
    dtype: 'float32';
    /**
     * Spatial patch in layout order: [H, W] (2d) or [D, H, W] (3d): the tile the model sees; larger
     * grids are tiled, smaller ones padded up to it. Omitted = the model sees the whole (padded) slice
     * (2d) or volume (3d) in one call.
     */
    patchSize?: number[];
    /** Padded spatial sizes are rounded up to a multiple of this. */
    multipleOf?: number;
  };
  output: { name: string; type: 'logits' | 'probabilities'; classAxis: 1 };
  preprocessing: {
    orientation: ModelOrientation;
    /** Default 'spacing'. */
    resample?: ResampleMode;
    /** Optional crop to the foreground's bounding box plus a margin, before the model. */
    crop?: CropSpec;
    /** mm along the model's voxel axes 0, 1, 2 (W, H, slice); null = keep the source spacing. */
    spacing: [number, number, number] | null;
    intensity: IntensityNormalisation;
    /** Value of padding voxels, after normalisation. */
    padValue: number;
  };
  inference: { overlap: number; blend: 'gaussian' | 'constant' };
  postprocessing?: PostprocessingSpec;
  classes: ModelClass[];
}
