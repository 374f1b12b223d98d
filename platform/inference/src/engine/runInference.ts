import {
  InvalidInputError,
  ModelMismatchError,
  gridOf,
  type Grid,
  type LabelVolume,
  type Vec3,
  type Volume,
} from '@concord/core';
import type { CropSpec, ModelManifest } from '../manifest/types.ts';
import type { InferenceBackend } from './backend.ts';
import { conformSample, conformScaling, type ConformScaling } from './conform.ts';
import { normaliseIntensity } from './intensity.ts';
import { isIdentityMap, reorderToModel, reorderToSource } from './orientation.ts';
import {
  estimateInferenceMemory,
  planInference,
  type InferencePlan,
  type MemoryEstimate,
} from './plan.ts';
import { resampleBack, resampleToSpacing } from './resample.ts';
import { blendWeights } from './tiling.ts';
import {
  affineLocate,
  classProbability,
  labelsFromProbabilities,
  spacingLocate,
  type Locate,
  type RegionProbabilities,
} from './labels.ts';
import { postprocessLabels } from './postprocess.ts';
import type { ClassProbabilities, InferenceProgress, InferenceResult } from './types.ts';

export interface RunInferenceOptions {
  backend: InferenceBackend;
  /** Also return per-class probabilities on the source grid (Uint8, p ≈ v / 255). */
  probabilities?: boolean;
  /** Slices (2d) or patches (3d) per runtime call; default 8 (2d) / 1 (3d). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: InferenceProgress) => void;
  /**
   * Refuse to start when the estimate exceeds this; default 2 GiB. Probabilities are kept as
   * 16-bit fractions, or 8-bit when only those fit (docs/manifest.md#memory).
   */
  memoryLimitBytes?: number;
  /** Release the backend's session when the run is cancelled (default true). */
  releaseOnAbort?: boolean;
}

export const DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3;

const now = () => globalThis.performance.now();

/**
 * Lets queued messages run (a worker's 'cancel'): a runtime whose run() completes without a
 * macrotask would otherwise keep the event loop busy until the end. A posted message queues
 * behind messages already posted (same task source), which a timer does not guarantee.
 */
function yieldToEvents(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.addEventListener('message', () => {
      ch.port1.close();
      resolve();
    });
    ch.port1.start();
    ch.port2.postMessage(null);
  });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Inference cancelled', 'AbortError');
}

const mibText = (b: number) => `${Math.ceil(b / 1024 ** 2)} MiB`;

/**
 * The memory plan of a run (docs/manifest.md#memory): 16-bit probabilities when they fit the
 * limit, else 8-bit; refused before anything starts when neither fits, naming what it needs.
 */
export function planInferenceMemory(
  plan: InferencePlan,
  volume: Grid,
  manifest: ModelManifest,
  options: { probabilities?: boolean; memoryLimitBytes?: number },
): MemoryEstimate {
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  const wide = estimateInferenceMemory(plan, volume, { ...options, manifest });
  if (wide.bytes <= limit) return wide;
  const narrow = estimateInferenceMemory(plan, volume, {
    ...options,
    manifest,
    precision: 'unorm8',
  });
  if (narrow.bytes <= limit) return narrow;
  const biggest = Object.entries(narrow.parts).sort((x, y) => y[1] - x[1])[0];
  throw new InvalidInputError(
    `Not enough memory for this inference: it needs about ${mibText(narrow.bytes)} ` +
      `(with 8-bit probabilities; ${biggest[0]} ${mibText(biggest[1])}), the limit is ${mibText(limit)} ` +
      `(model grid ${plan.model.dims.join('x')}, ${plan.classes} classes${options.probabilities ? ', with probabilities' : ''}); ` +
      `raise the limit (concord infer --max-memory) if the machine has the memory`,
  );
}

/**
 * Runs a segmentation model on a volume (docs/manifest.md): reorientation to the model's voxel
 * order and trilinear resampling to its spacing (or FreeSurfer's conform), optional crop to the
 * foreground, intensity normalisation, centre padding, 2D slice-wise batches or 3D
 * sliding-window patches; each tile's softmax is blended into compact per-class probabilities;
 * they are interpolated back onto the source grid, argmax, optional postprocessing.
 * DOM-free: runs in Node and in a worker.
 */
export async function runInference(
  volume: Volume,
  manifest: ModelManifest,
  options: RunInferenceOptions,
): Promise<InferenceResult> {
  const { backend, signal } = options;
  const progress = options.onProgress ?? (() => {});
  const t0 = now();
  const expected = volume.dims[0] * volume.dims[1] * volume.dims[2];
  if (volume.data.length !== expected)
    throw new InvalidInputError(
      `Volume data has ${volume.data.length} values, dims ${volume.dims.join('x')} need ${expected}`,
    );
  let plan = planInference(volume, manifest, options.batchSize);
  const memory = planInferenceMemory(plan, volume, manifest, options);

  const checkAbort = async () => {
    if (signal) await yieldToEvents();
    if (signal?.aborted) {
      if (options.releaseOnAbort !== false) await backend.release();
      throw abortError(signal);
    }
  };
  await checkAbort();

  // ---- pre-processing
  const pre = manifest.preprocessing;
  progress({ stage: 'preprocess', done: 0, total: 3, unit: 'steps' });
  let modelData: Float32Array;
  let conform: ConformScaling | undefined;
  if (plan.resample === 'conform') {
    conform = conformScaling(volume.data);
    modelData = conformSample(volume.data, volume, plan.model, conform);
  } else {
    const reordered = new Float32Array(expected);
    if (isIdentityMap(plan.map)) reordered.set(volume.data);
    else reorderToModel(volume.data, volume.dims, plan.map, reordered);
    modelData = resampleToSpacing(
      reordered,
      plan.reoriented.dims,
      plan.reoriented.spacing,
      plan.model.spacing,
    ).data;
  }
  if (pre.crop) {
    const region = cropRegion(modelData, plan.model.dims, pre.crop);
    if (region.dims.some((d, a) => d !== plan.model.dims[a])) {
      modelData = extractRegion(modelData, plan.model.dims, region);
      plan = planInference(volume, manifest, options.batchSize, region);
    }
  }
  progress({ stage: 'preprocess', done: 2, total: 3, unit: 'steps' });
  // in place: modelData is our own copy
  const intensity = normaliseIntensity(modelData, pre.intensity);
  progress({ stage: 'preprocess', done: 3, total: 3, unit: 'steps' });
  let preMs = now() - t0;
  await checkAbort();

  // ---- inference: tiles in batches, each tile's probabilities blended into compact planes
  const { probs, batches, inferenceMs, batchMs, tileMs } = await runTiles(
    modelData,
    plan,
    manifest,
    backend,
    memory,
    progress,
    checkAbort,
  );
  preMs += tileMs.extract;

  // ---- post-processing
  const tPost = now();
  const { labels, probabilities } = backToSource(
    probs,
    plan,
    volume,
    manifest,
    options.probabilities,
  );
  if (manifest.postprocessing)
    postprocessLabels(
      labels.data,
      volume.dims,
      manifest.postprocessing,
      manifest.classes.map((c) => c.label),
    );
  const postMs = now() - tPost + tileMs.accumulate;
  progress({ stage: 'postprocess', done: 1, total: 1, unit: 'steps' });

  const sorted = [...batchMs].sort((a, b) => a - b);
  return {
    labels,
    probabilities,
    model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 },
    backend: backend.name,
    threads: backend.threads,
    timings: {
      preprocessMs: preMs,
      inferenceMs,
      postprocessMs: postMs,
      totalMs: now() - t0,
      medianBatchMs: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 0,
    },
    modelGrid: gridOf(plan.model),
    region: { start: [...plan.region.start] as Vec3, dims: [...plan.region.dims] as Vec3 },
    memory: { estimatedBytes: memory.bytes, precision: memory.precision },
    intensity,
    ...(conform ? { conform } : {}),
    tiles: plan.tiles,
    batches,
  };
}

/**
 * The bounding box of the model-grid voxels above `threshold` (default 0), grown by `margin`
 * voxels and clamped to the grid; the whole grid when no voxel is above it.
 */
export function cropRegion(
  data: Float32Array,
  dims: Vec3,
  crop: CropSpec,
): { start: Vec3; dims: Vec3 } {
  const t = crop.threshold ?? 0;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-1, -1, -1];
  let o = 0;
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++, o++) {
        if (!(data[o] > t)) continue;
        if (x < lo[0]) lo[0] = x;
        if (x > hi[0]) hi[0] = x;
        if (y < lo[1]) lo[1] = y;
        if (y > hi[1]) hi[1] = y;
        if (z < lo[2]) lo[2] = z;
        if (z > hi[2]) hi[2] = z;
      }
  if (hi[0] < 0) return { start: [0, 0, 0], dims: [...dims] as Vec3 };
  const start = [0, 1, 2].map((a) => Math.max(0, lo[a] - crop.margin)) as Vec3;
  const end = [0, 1, 2].map((a) => Math.min(dims[a], hi[a] + crop.margin + 1)) as Vec3;
  return { start, dims: [0, 1, 2].map((a) => end[a] - start[a]) as Vec3 };
}

function extractRegion(
  data: Float32Array,
  dims: Vec3,
  region: { start: Vec3; dims: Vec3 },
): Float32Array {
  const [rx, ry, rz] = region.dims;
  const [sx, sy, sz] = region.start;
  const out = new Float32Array(rx * ry * rz);
  let o = 0;
  for (let z = 0; z < rz; z++)
    for (let y = 0; y < ry; y++, o += rx) {
      const b = ((sz + z) * dims[1] + sy + y) * dims[0] + sx;
      out.set(data.subarray(b, b + rx), o);
    }
  return out;
}

async function runTiles(
  data: Float32Array,
  plan: InferencePlan,
  manifest: ModelManifest,
  backend: InferenceBackend,
  memory: MemoryEstimate,
  progress: (p: InferenceProgress) => void,
  checkAbort: () => Promise<void>,
) {
  const [rx, ry, rz] = plan.region.dims;
  const nr = rx * ry * rz;
  const C = plan.classes;
  const q = memory.precision === 'unorm16' ? 65535 : 255;
  const acc = q === 65535 ? new Uint16Array(C * nr) : new Uint8Array(C * nr);
  const [px, py, pz] = plan.patch;
  const patchN = px * py * pz;
  const w = blendWeights([px, py, pz], manifest.inference.blend);
  // one patch per slice (2d) or per volume (3d): every voxel is covered once, no blending needed
  const direct =
    plan.starts[0].length === 1 &&
    plan.starts[1].length === 1 &&
    (manifest.dimensionality === '2d' || plan.starts[2].length === 1);
  // summed blend weight per voxel so far
  const weights = direct ? null : new Float32Array(nr);
  const isLogits = manifest.output.type === 'logits';
  const p = new Float64Array(C);
  const padValue = manifest.preprocessing.padValue;
  const tiles: Vec3[] = [];
  for (const z of plan.starts[2])
    for (const y of plan.starts[1]) for (const x of plan.starts[0]) tiles.push([x, y, z]);
  const unit = manifest.dimensionality === '2d' ? 'slices' : 'patches';
  let inferenceMs = 0;
  const batchMs: number[] = [];
  const tileMs = { extract: 0, accumulate: 0 };
  let batches = 0;
  for (let t = 0; t < tiles.length; t += plan.batchSize) {
    await checkAbort();
    const group = tiles.slice(t, t + plan.batchSize);
    const t1 = now();
    // a fresh buffer per call: ORT's proxy worker detaches the one it is given
    const input = new Float32Array(group.length * patchN).fill(padValue);
    group.forEach((start, b) => {
      forEachRow(start, plan, (dst, src, len) => {
        // plain loops: a subarray per row costs an allocation for each of ~10^5 rows
        const o = b * patchN + dst;
        for (let i = 0; i < len; i++) input[o + i] = data[src + i];
      });
    });
    const shape = [group.length, ...plan.batchShape.slice(1)];
    const t2 = now();
    const out = await backend.run(input, shape);
    const t3 = now();
    if (out.length !== group.length * C * patchN)
      throw new ModelMismatchError(
        `Model ${manifest.name} returned ${out.length} values for input [${shape.join(', ')}], expected ${group.length * C * patchN} (${C} classes)`,
      );
    group.forEach((start, b) => {
      forEachRow(start, plan, (dst, src, len) => {
        const ob = b * C * patchN + dst;
        for (let i = 0; i < len; i++) {
          // this voxel's class probabilities: softmax of the tile's logits, or as given
          const o = ob + i;
          if (isLogits) {
            let max = -Infinity;
            for (let c = 0; c < C; c++) if (out[o + c * patchN] > max) max = out[o + c * patchN];
            let sum = 0;
            for (let c = 0; c < C; c++) {
              const d = out[o + c * patchN] - max;
              // exp(-24) = 4e-11: far below the 16-bit resolution next to the max class's 1
              const e = d < -24 ? 0 : Math.exp(d);
              p[c] = e;
              sum += e;
            }
            for (let c = 0; c < C; c++) p[c] /= sum;
          } else {
            for (let c = 0; c < C; c++) {
              const v = out[o + c * patchN];
              p[c] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
          }
          const v = src + i;
          if (!weights) {
            for (let c = 0; c < C; c++) acc[c * nr + v] = p[c] * q + 0.5;
            continue;
          }
          // running weighted mean, kept in q units
          const wv = w[dst + i];
          const before = weights[v];
          const total = before + wv;
          const keep = before / total;
          const add = (wv * q) / total;
          for (let c = 0; c < C; c++) {
            const a = c * nr + v;
            acc[a] = acc[a] * keep + p[c] * add + 0.5;
          }
          weights[v] = total;
        }
      });
    });
    tileMs.extract += t2 - t1;
    tileMs.accumulate += now() - t3;
    inferenceMs += t3 - t2;
    batchMs.push(t3 - t2);
    batches++;
    progress({
      stage: 'inference',
      done: Math.min(t + plan.batchSize, tiles.length),
      total: tiles.length,
      unit,
    });
  }
  const background = manifest.classes.findIndex((c) => c.label === 0);
  const probs: RegionProbabilities = { acc, q, classes: C, background };
  return { probs, batches, inferenceMs, batchMs, tileMs };
}

/**
 * Calls `row(patchOffset, regionOffset, length)` for each x-run of a patch (padded start
 * `start`) that lies inside the fed region; the rest of the patch is padding.
 */
function forEachRow(
  start: Vec3,
  plan: InferencePlan,
  row: (patchOffset: number, modelOffset: number, length: number) => void,
): void {
  const [mx, my, mz] = plan.region.dims;
  const [px, py, pz] = plan.patch;
  const x0 = start[0] - plan.padBefore[0];
  const y0 = start[1] - plan.padBefore[1];
  const z0 = start[2] - plan.padBefore[2];
  const xa = Math.max(0, -x0);
  const xb = Math.min(px, mx - x0);
  if (xb <= xa) return;
  for (let z = 0; z < pz; z++) {
    const mzi = z0 + z;
    if (mzi < 0 || mzi >= mz) continue;
    for (let y = 0; y < py; y++) {
      const myi = y0 + y;
      if (myi < 0 || myi >= my) continue;
      row((z * py + y) * px + xa, (mzi * my + myi) * mx + x0 + xa, xb - xa);
    }
  }
}

function labelInfos(manifest: ModelManifest): LabelVolume['labels'] {
  return manifest.classes
    .filter((c) => c.label !== 0)
    .map((c) => ({
      label: c.label,
      name: c.name,
      ...(c.color ? { color: c.color } : {}),
      ...(c.code ? { codes: c.code } : {}), // pairs the class by code (docs/manifest.md)
    }));
}

/** One class's probabilities on the region as floats (p = v / q). */
function planeOf(p: RegionProbabilities, c: number): Float32Array {
  const n = p.acc.length / p.classes;
  const out = new Float32Array(n);
  const inv = 1 / p.q;
  for (let i = 0, o = c * n; i < n; i++, o++) out[i] = p.acc[o] * inv;
  return out;
}

/** p in [0, 1] -> Uint8 (p ≈ v / 255). */
function quantised(p: Float32Array): Uint8Array {
  const q = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i] * 255 + 0.5;
    q[i] = v <= 0 ? 0 : v >= 255 ? 255 : v;
  }
  return q;
}

/**
 * Class probabilities on the model grid -> labels (+ quantised probabilities) on the source
 * grid. `spacing`: computed on the reoriented grid, then reordered to the source order;
 * `conform`: each source voxel located in the conformed grid through world space.
 */
function backToSource(
  probs: RegionProbabilities,
  plan: InferencePlan,
  volume: Volume,
  manifest: ModelManifest,
  withProbabilities?: boolean,
): { labels: LabelVolume; probabilities?: ClassProbabilities } {
  const ns = volume.dims[0] * volume.dims[1] * volume.dims[2];
  const maxLabel = Math.max(...manifest.classes.map((c) => c.label));
  const make = () => (maxLabel < 256 ? new Uint8Array(ns) : new Uint16Array(ns));
  const conform = plan.resample === 'conform';
  const identity = conform || isIdentityMap(plan.map);
  const outDims = conform ? volume.dims : plan.reoriented.dims;
  const locate: Locate = conform ? affineLocate(volume, plan.model) : spacingLocate(plan);
  let labels = make();
  const classLabels = manifest.classes.map((c) => c.label);
  labelsFromProbabilities(probs, plan, outDims, locate, classLabels, labels);
  if (!identity) labels = reorderToSource(labels, volume.dims, plan.map, make());
  let probabilities: ClassProbabilities | undefined;
  if (withProbabilities) {
    const whole = plan.region.dims.every((d, a) => d === plan.model.dims[a]);
    const data = classLabels.map((_, c) => {
      // the separable inverse resampling when the model saw the whole grid (same values as
      // the per-voxel interpolation, several times faster)
      const q =
        !conform && whole
          ? quantised(
              resampleBack(
                planeOf(probs, c),
                plan.model.dims,
                plan.reoriented.dims,
                plan.reoriented.spacing,
                plan.model.spacing,
              ),
            )
          : classProbability(probs, c, plan, outDims, locate);
      return identity ? q : reorderToSource(q, volume.dims, plan.map, new Uint8Array(ns));
    });
    probabilities = { labels: classLabels, data, scale: 255 };
  }
  return {
    labels: { ...gridOf(volume), data: labels, labels: labelInfos(manifest) },
    probabilities,
  };
}
