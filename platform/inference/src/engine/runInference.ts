import {
  InvalidInputError,
  ModelMismatchError,
  gridOf,
  type LabelVolume,
  type Vec3,
  type Volume,
} from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import type { InferenceBackend } from './backend.ts';
import { normaliseIntensity } from './intensity.ts';
import { isIdentityMap, reorderToModel, reorderToSource } from './orientation.ts';
import { estimateInferenceMemory, planInference, type InferencePlan } from './plan.ts';
import { resampleBack, resampleToSpacing } from './resample.ts';
import { blendWeights } from './tiling.ts';
import { labelsFromModelGrid } from './labels.ts';
import type { ClassProbabilities, InferenceProgress, InferenceResult } from './types.ts';

export interface RunInferenceOptions {
  backend: InferenceBackend;
  /** Also return per-class probabilities on the source grid (Uint8, p ≈ v / 255). */
  probabilities?: boolean;
  /** Slices (2d) or patches (3d) per runtime call; default 8 (2d) / 1 (3d). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: InferenceProgress) => void;
  /** Refuse to start when the estimate exceeds this; default 2 GiB. */
  memoryLimitBytes?: number;
  /** Release the backend's session when the run is cancelled (default true). */
  releaseOnAbort?: boolean;
}

export const DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3;

const now = () => globalThis.performance.now();
const mib = (b: number) => `${Math.ceil(b / 1024 ** 2)} MiB`;

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

/**
 * Runs a segmentation model on a volume (docs/manifest.md): reorientation to the model's voxel order,
 * trilinear resampling to its spacing, intensity normalisation, centre padding, 2D slice-wise
 * batches or 3D sliding-window patches with blending, softmax, linear resampling of the class
 * probabilities back to the source grid and argmax. DOM-free: runs in Node and in a worker.
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
  const plan = planInference(volume, manifest, options.batchSize);
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  const need = estimateInferenceMemory(plan, volume, options);
  if (need > limit)
    throw new InvalidInputError(
      `Not enough memory for this inference: it needs about ${mib(need)}, the limit is ${mib(limit)} ` +
        `(model grid ${plan.model.dims.join('x')}, ${plan.classes} classes${options.probabilities ? ', with probabilities' : ''})`,
    );

  const checkAbort = async () => {
    if (signal) await yieldToEvents();
    if (signal?.aborted) {
      if (options.releaseOnAbort !== false) await backend.release();
      throw abortError(signal);
    }
  };
  await checkAbort();

  // ---- pre-processing
  progress({ stage: 'preprocess', done: 0, total: 3, unit: 'steps' });
  const reordered = new Float32Array(expected);
  if (isIdentityMap(plan.map)) reordered.set(volume.data);
  else reorderToModel(volume.data, volume.dims, plan.map, reordered);
  const { data: modelData } = resampleToSpacing(
    reordered,
    plan.reoriented.dims,
    plan.reoriented.spacing,
    plan.model.spacing,
  );
  progress({ stage: 'preprocess', done: 2, total: 3, unit: 'steps' });
  // in place: modelData is our own copy (reordered, or a resampled array)
  const intensity = normaliseIntensity(modelData, manifest.preprocessing.intensity);
  progress({ stage: 'preprocess', done: 3, total: 3, unit: 'steps' });
  let preMs = now() - t0;
  await checkAbort();

  // ---- inference: tiles in batches, blended into accumulators on the model grid
  const { acc, batches, inferenceMs, batchMs, tileMs } = await runTiles(
    modelData,
    plan,
    manifest,
    backend,
    progress,
    checkAbort,
  );
  preMs += tileMs.extract;

  // ---- post-processing
  const tPost = now();
  const nm = plan.model.dims[0] * plan.model.dims[1] * plan.model.dims[2];
  const weights = acc.subarray(plan.classes * nm);
  const isLogits = manifest.output.type === 'logits';
  let labels: LabelVolume;
  let probabilities: ClassProbabilities | undefined;
  if (options.probabilities) {
    finishBlend(acc, weights, nm, plan.classes, isLogits);
    ({ labels, probabilities } = backToSource(acc, plan, volume, manifest, true));
  } else {
    // labels only: interpolate just the voxels next to a label boundary (same labels)
    finishBlend(acc, weights, nm, plan.classes, false);
    labels = labelsOnly(acc, plan, volume, manifest, isLogits);
  }
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
    intensity,
    tiles: plan.tiles,
    batches,
  };
}

async function runTiles(
  data: Float32Array,
  plan: InferencePlan,
  manifest: ModelManifest,
  backend: InferenceBackend,
  progress: (p: InferenceProgress) => void,
  checkAbort: () => Promise<void>,
) {
  const [mx, my, mz] = plan.model.dims;
  const nm = mx * my * mz;
  const C = plan.classes;
  // C class planes + one weight plane
  const acc = new Float32Array((C + 1) * nm);
  const [px, py, pz] = plan.patch;
  const patchN = px * py * pz;
  const w = blendWeights([px, py, pz], manifest.inference.blend);
  // one patch per slice (2d) or per volume (3d): every voxel is covered once, no blending needed
  const direct =
    plan.starts[0].length === 1 &&
    plan.starts[1].length === 1 &&
    (manifest.dimensionality === '2d' || plan.starts[2].length === 1);
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
        if (direct) {
          for (let c = 0; c < C; c++) {
            const o = (b * C + c) * patchN + dst;
            const a = c * nm + src;
            for (let i = 0; i < len; i++) acc[a + i] = out[o + i];
          }
          const wb = C * nm + src;
          for (let i = 0; i < len; i++) acc[wb + i] = 1;
          return;
        }
        for (let c = 0; c < C; c++) {
          const o = (b * C + c) * patchN + dst;
          const a = c * nm + src;
          for (let i = 0; i < len; i++) acc[a + i] += w[dst + i] * out[o + i];
        }
        const wb = C * nm + src;
        for (let i = 0; i < len; i++) acc[wb + i] += w[dst + i];
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
  return { acc, batches, inferenceMs, batchMs, tileMs };
}

/**
 * Calls `row(patchOffset, modelOffset, length)` for each x-run of a patch (padded start
 * `start`) that lies inside the model grid; the rest of the patch is padding.
 */
function forEachRow(
  start: Vec3,
  plan: InferencePlan,
  row: (patchOffset: number, modelOffset: number, length: number) => void,
): void {
  const [mx, my, mz] = plan.model.dims;
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

/** Divides by the blend weights and (optionally) turns logits into probabilities (softmax). */
export function finishBlend(
  acc: Float32Array,
  weights: Float32Array,
  n: number,
  classes: number,
  softmax: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    if (wi === 1) continue;
    const inv = wi > 0 ? 1 / wi : 0;
    for (let c = 0; c < classes; c++) acc[c * n + i] *= inv;
  }
  if (!softmax) return;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (acc[c * n + i] > max) max = acc[c * n + i];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const d = acc[c * n + i] - max;
      // exp(-24) = 4e-11 is far below float32 resolution next to the max class's exp(0) = 1
      const e = d < -24 ? 0 : Math.exp(d);
      acc[c * n + i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < classes; c++) acc[c * n + i] *= inv;
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

function labelsOnly(
  acc: Float32Array,
  plan: InferencePlan,
  volume: Volume,
  manifest: ModelManifest,
  softmax: boolean,
): LabelVolume {
  const ns = volume.dims[0] * volume.dims[1] * volume.dims[2];
  const maxLabel = Math.max(...manifest.classes.map((c) => c.label));
  const make = () => (maxLabel < 256 ? new Uint8Array(ns) : new Uint16Array(ns));
  let data = make();
  const classLabels = manifest.classes.map((c) => c.label);
  labelsFromModelGrid(acc, plan, classLabels, softmax, data);
  if (!isIdentityMap(plan.map)) data = reorderToSource(data, volume.dims, plan.map, make());
  return { ...gridOf(volume), data, labels: labelInfos(manifest) };
}

/**
 * Class probabilities on the model grid -> labels (+ quantised probabilities) on the source grid.
 * Argmax runs in model voxel order; only the final labels (and Uint8 probabilities) are reordered.
 */
function backToSource(
  probs: Float32Array,
  plan: InferencePlan,
  volume: Volume,
  manifest: ModelManifest,
  withProbabilities?: boolean,
): { labels: LabelVolume; probabilities?: ClassProbabilities } {
  const ns = volume.dims[0] * volume.dims[1] * volume.dims[2];
  const nm = plan.model.dims[0] * plan.model.dims[1] * plan.model.dims[2];
  const maxLabel = Math.max(...manifest.classes.map((c) => c.label));
  const make = () => (maxLabel < 256 ? new Uint8Array(ns) : new Uint16Array(ns));
  const identity = isIdentityMap(plan.map);
  let labels = make();
  const best = new Float32Array(ns).fill(-Infinity);
  const probData: Uint8Array[] = [];
  manifest.classes.forEach((cls, c) => {
    const p = resampleBack(
      probs.subarray(c * nm, (c + 1) * nm),
      plan.model.dims,
      plan.reoriented.dims,
      plan.reoriented.spacing,
      plan.model.spacing,
    );
    const label = cls.label;
    // strict '>' keeps the first class on ties (numpy argmax)
    for (let i = 0; i < ns; i++) {
      if (p[i] > best[i]) {
        best[i] = p[i];
        labels[i] = label;
      }
    }
    if (withProbabilities) {
      const q = new Uint8Array(ns);
      for (let i = 0; i < ns; i++) {
        const v = p[i] * 255 + 0.5;
        q[i] = v <= 0 ? 0 : v >= 255 ? 255 : v;
      }
      probData.push(identity ? q : reorderToSource(q, volume.dims, plan.map, new Uint8Array(ns)));
    }
  });
  if (!identity) labels = reorderToSource(labels, volume.dims, plan.map, make());
  const out: LabelVolume = {
    ...gridOf(volume),
    data: labels,
    labels: labelInfos(manifest),
  };
  return {
    labels: out,
    probabilities: withProbabilities
      ? { labels: manifest.classes.map((c) => c.label), data: probData, scale: 255 }
      : undefined,
  };
}
