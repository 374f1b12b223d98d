import { InvalidInputError, type Grid, type Vec3 } from '@concord/core';
import { ModelMismatchError } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { orientationMapping, reorientGrid, type AxisMap } from './orientation.ts';
import { resampledSize, sameSpacing } from './resample.ts';
import { tileStarts } from './tiling.ts';

/** Everything about an inference that follows from the source grid and the manifest alone. */
export interface InferencePlan {
  map: AxisMap;
  /** Source grid reordered into the model's voxel order (same voxels). */
  reoriented: Grid;
  /** Grid the model runs on: reoriented + resampled to the model spacing. */
  model: Grid;
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

function roundUp(n: number, m: number | undefined): number {
  return m && m > 1 ? Math.ceil(n / m) * m : n;
}

export function planInference(
  grid: Grid,
  manifest: ModelManifest,
  batchSize?: number,
): InferencePlan {
  if (grid.dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new InvalidInputError(`Volume has invalid dimensions ${grid.dims.join('x')}`);
  if (manifest.input.channels !== 1)
    throw new ModelMismatchError(
      `Model ${manifest.name} needs ${manifest.input.channels} input channels; Concord feeds one image channel`,
    );
  const pre = manifest.preprocessing;
  const map = orientationMapping(grid.direction, pre.orientation);
  const reoriented = reorientGrid(grid, map);
  const target: Vec3 = pre.spacing ? ([...pre.spacing] as Vec3) : ([...reoriented.spacing] as Vec3);
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
  const model: Grid = { ...reoriented, dims, spacing, origin };

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

/**
 * Upper estimate of the JavaScript memory an inference needs (bytes), excluding the source
 * volume itself and the runtime's own session memory.
 */
export function estimateInferenceMemory(
  plan: InferencePlan,
  sourceGrid: Grid,
  options: { probabilities?: boolean } = {},
): number {
  const ns = prod(sourceGrid.dims);
  const nr = ns;
  const nm = prod(plan.model.dims);
  const patchN = prod(plan.patch);
  const c = plan.classes;
  const pre = nr * 4 + nm * 4 * 3; // reordered copy, resampled (+ one intermediate), percentile copy
  const acc = (c + 1) * nm * 4; // blended outputs + weights
  const batches = plan.batchSize * patchN * 4 * (1 + c) * 2; // input + output, one in flight + copy
  const post = nr * 4 * 2 + ns * 4 + ns * 2; // resampled class map + intermediate, max prob, labels
  const probs = options.probabilities ? c * ns : 0;
  return pre + acc + batches + post + probs;
}
