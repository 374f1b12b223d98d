import { InvalidInputError, type Grid, type Vec3 } from '@concord/core';
import { ModelMismatchError } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { conformGrid } from './conform.ts';
import { orientationMapping, reorientGrid, type AxisMap } from './orientation.ts';
import { resampledSize, sameSpacing } from './resample.ts';
import { tileStarts } from './tiling.ts';

/** Everything about an inference that follows from the source grid and the manifest alone. */
export interface InferencePlan {
  map: AxisMap;
  /** Source grid reordered into the model's voxel order (same voxels). */
  reoriented: Grid;
  /**
   * Grid the model runs on: reoriented + resampled to the model spacing, or the conformed grid
   * (`resample: "conform"`; then `map` and `reoriented` are not used).
   */
  model: Grid;
  resample: 'spacing' | 'conform';
  /**
   * The part of the model grid that is fed to the model (voxel start and size): the whole grid,
   * or the foreground box with `preprocessing.crop`. Padding and tiles are relative to it.
   */
  region: { start: Vec3; dims: Vec3 };
  /** Padded sizes and the padding before the data, per voxel axis. */
  padded: Vec3;
  padBefore: Vec3;
  /** Patch per voxel axis (axis 0 = W fastest); for 2d the slice axis has patch 1. */
  patch: Vec3;
  /** Patch starts per voxel axis, in padded coordinates. */
  starts: [number[], number[], number[]];
  tiles: number;
  classes: number;
  batchSize: number;
  /** Input tensor shape of a full batch, layout order. */
  batchShape: number[];
}

/** The reoriented grid resampled to `spacing` (docs/manifest.md#spacing). */
function spacingGrid(reoriented: Grid, spacingOrNull: readonly number[] | null): Grid {
  const target = (spacingOrNull ? [...spacingOrNull] : [...reoriented.spacing]) as Vec3;
  const dims = [0, 1, 2].map((a) =>
    resampledSize(reoriented.dims[a], reoriented.spacing[a], target[a]),
  ) as Vec3;
  const spacing = [0, 1, 2].map((a) =>
    sameSpacing(reoriented.spacing[a], target[a]) ? reoriented.spacing[a] : target[a],
  ) as Vec3;
  // first model voxel sits at reoriented continuous index 0.5 * t / s - 0.5 on each axis
  const o = reoriented.origin;
  const d = reoriented.direction;
  const shift = [0, 1, 2].map((a) => (0.5 * spacing[a]) / reoriented.spacing[a] - 0.5);
  const origin = [0, 1, 2].map(
    (w) =>
      o[w] +
      shift[0] * reoriented.spacing[0] * d[w] +
      shift[1] * reoriented.spacing[1] * d[3 + w] +
      shift[2] * reoriented.spacing[2] * d[6 + w],
  ) as Vec3;
  return { ...reoriented, dims, spacing, origin };
}

function roundUp(n: number, m: number | undefined): number {
  return m && m > 1 ? Math.ceil(n / m) * m : n;
}

/**
 * Plans a run: the model grid, and the padding and tiles of `region` (default: the whole model
 * grid; after a crop, the cropped box).
 */
export function planInference(
  grid: Grid,
  manifest: ModelManifest,
  batchSize?: number,
  region?: { start: Vec3; dims: Vec3 },
): InferencePlan {
  if (grid.dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new InvalidInputError(`Volume has invalid dimensions ${grid.dims.join('x')}`);
  if (manifest.input.channels !== 1)
    throw new ModelMismatchError(
      `Model ${manifest.name} needs ${manifest.input.channels} input channels; Concord feeds one image channel`,
    );
  const pre = manifest.preprocessing;
  const conform = pre.resample === 'conform';
  const map = conform
    ? { perm: [0, 1, 2] as AxisMap['perm'], flip: [false, false, false] as AxisMap['flip'] }
    : orientationMapping(grid.direction, pre.orientation);
  const reoriented = conform ? grid : reorientGrid(grid, map);
  const model = conform ? conformGrid(grid) : spacingGrid(reoriented, pre.spacing);
  const box = region ?? { start: [0, 0, 0] as Vec3, dims: [...model.dims] as Vec3 };
  const dims = box.dims;

  const is2d = manifest.dimensionality === '2d';
  const ps = manifest.input.patchSize;
  // manifest patchSize is in layout order ([H, W] or [D, H, W]); voxel axis 0 is W
  const patchFromManifest: (number | undefined)[] = ps
    ? is2d
      ? [ps[1], ps[0], 1]
      : [ps[2], ps[1], ps[0]]
    : [undefined, undefined, is2d ? 1 : undefined];
  const padded = [0, 0, 0] as Vec3;
  const patch = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    if (is2d && a === 2) {
      padded[a] = dims[a];
      patch[a] = 1;
      continue;
    }
    const p = patchFromManifest[a];
    padded[a] = roundUp(Math.max(dims[a], p ?? 0), manifest.input.multipleOf);
    patch[a] = p ?? padded[a];
  }
  const padBefore = [0, 1, 2].map((a) => Math.floor((padded[a] - dims[a]) / 2)) as Vec3;
  const overlap = manifest.inference.overlap;
  const starts = [0, 1, 2].map((a) =>
    is2d && a === 2
      ? Array.from({ length: dims[2] }, (_, k) => k)
      : tileStarts(padded[a], patch[a], overlap),
  ) as [number[], number[], number[]];
  const tiles = starts[0].length * starts[1].length * starts[2].length;
  const b = Math.max(1, Math.min(batchSize ?? (is2d ? 8 : 1), tiles));
  const batchShape = is2d ? [b, 1, patch[1], patch[0]] : [b, 1, patch[2], patch[1], patch[0]];
  return {
    map,
    reoriented,
    model,
    resample: conform ? 'conform' : 'spacing',
    region: box,
    padded,
    padBefore,
    patch,
    starts,
    tiles,
    classes: manifest.classes.length,
    batchSize: b,
    batchShape,
  };
}

const prod = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);

/** How the run stores its class probabilities on the model grid (p = value / 65535 or / 255). */
export type ProbabilityPrecision = 'unorm16' | 'unorm8';

export interface MemoryEstimate {
  /** Peak bytes, the sum of `parts`. */
  bytes: number;
  precision: ProbabilityPrecision;
  /** What the bytes are for (docs/manifest.md#memory). */
  parts: Record<string, number>;
}

/**
 * Upper estimate of the memory an inference needs (bytes), excluding the source volume itself
 * and the runtime's own session memory (weights, activations): the model-grid copies of the
 * input, the class probabilities accumulated compactly over the fed region, the tensors of one
 * batch, and the outputs on the source grid. With a crop the whole model grid is assumed.
 */
export function estimateInferenceMemory(
  plan: InferencePlan,
  sourceGrid: Grid,
  options: {
    probabilities?: boolean;
    precision?: ProbabilityPrecision;
    manifest?: ModelManifest;
  } = {},
): MemoryEstimate {
  const precision = options.precision ?? 'unorm16';
  const ns = prod(sourceGrid.dims);
  const nm = prod(plan.model.dims);
  const nr = prod(plan.region.dims);
  const patchN = prod(plan.patch);
  const c = plan.classes;
  const m = options.manifest;
  const direct =
    plan.starts[0].length === 1 &&
    plan.starts[1].length === 1 &&
    (m?.dimensionality === '2d' || plan.starts[2].length === 1);
  const labelBytes = m && Math.max(...m.classes.map((k) => k.label)) >= 256 ? 2 : 1;
  const parts: Record<string, number> = {
    // reordered source copy (spacing), model grid (+ one resampling intermediate), the crop
    // copy and the percentile's sorted copy
    'model input': (plan.resample === 'spacing' ? ns * 4 + nm * 4 : 0) + nm * 4 + nr * 4 * 2,
    'class probabilities': c * nr * (precision === 'unorm16' ? 2 : 1) + (direct ? 0 : nr * 4),
    // input tensor, output tensor in the runtime and its copy
    batch: plan.batchSize * patchN * 4 * (1 + 2 * c),
    // argmax per region voxel, labels + their reordered copy, quantised probabilities
    output:
      nr * (c < 256 ? 1 : 2) + ns * labelBytes * 2 + (options.probabilities ? (c + 1) * ns : 0),
    postprocessing: m?.postprocessing ? ns * 8 : 0,
  };
  const bytes = Object.values(parts).reduce((a, b) => a + b, 0);
  return { bytes, precision, parts };
}
