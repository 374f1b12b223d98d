/**
 * onnxruntime-web (WASM, in Node) vs onnxruntime-node on the same preprocessed batches of the
 * sample study: max |Δlogit| ≤ 1e-4 and identical labelmaps. The MeshNet-style conform model
 * also against its torch reference (platform/inference/training/reference_pipeline.py: conform,
 * crop, network, probabilities back to the source grid, postprocessing in numpy/scipy/torch):
 * class probabilities within 2/255 at every sampled voxel and Dice ≥ 0.99 per class present,
 * WASM and native.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, type Vec3, type Volume } from '@concord/core';
import { cropFloat32 } from '../../helpers/volumes.ts';
import { runInference, type InferenceBackend } from '@concord/inference';
import { createNodeBackend, loadModelFromFile, type LoadedModel } from '@concord/inference/node';

const MODELS = fileURLToPath(new URL('../../../platform/inference/models/', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../samples/colin27/t1.nii.gz', import.meta.url));

/** Runs both runtimes on every batch, records the logit differences and each runtime's time,
 * returns the WASM output. */
function teeBackend(wasm: InferenceBackend, native: InferenceBackend, classes: number) {
  const stats = { maxAbsDiff: 0, argmaxDiffers: 0, voxels: 0, wasmMs: 0, nativeMs: 0 };
  const backend: InferenceBackend = {
    name: 'wasm',
    threads: 1,
    async run(batch, shape) {
      const copy = batch.slice();
      let t = performance.now();
      const a = await wasm.run(batch, shape);
      stats.wasmMs += performance.now() - t;
      t = performance.now();
      const b = await native.run(copy, shape);
      stats.nativeMs += performance.now() - t;
      for (let i = 0; i < a.length; i++)
        stats.maxAbsDiff = Math.max(stats.maxAbsDiff, Math.abs(a[i] - b[i]));
      const n = a.length / shape[0] / classes;
      for (let s = 0; s < shape[0]; s++)
        for (let v = 0; v < n; v++) {
          let ba = 0;
          let bb = 0;
          for (let c = 1; c < classes; c++) {
            const o = (s * classes + c) * n + v;
            if (a[o] > a[(s * classes + ba) * n + v]) ba = c;
            if (b[o] > b[(s * classes + bb) * n + v]) bb = c;
          }
          if (ba !== bb) stats.argmaxDiffers++;
          stats.voxels++;
        }
      return a;
    },
    release: async () => {},
  };
  return { backend, stats };
}

describe.each([
  ['unet2d-colin27-ce', 8],
  ['unet3d-colin27-tiny', 1],
])('parity WASM vs native: %s on the sample', (name, batchSize) => {
  let model: LoadedModel;
  let volume: Volume;
  let wasm: InferenceBackend;
  let native: InferenceBackend;
  beforeAll(async () => {
    model = await loadModelFromFile(`${MODELS}${name}.json`);
    volume = readNifti(new Uint8Array(readFileSync(SAMPLE)));
    wasm = await createNodeBackend('wasm', model, { threads: 1 });
    native = await createNodeBackend('native', model, { threads: 1 });
  });
  afterAll(async () => {
    await wasm?.release();
    await native?.release();
  });

  it('max |Δlogit| ≤ 1e-4, identical argmax and identical labelmaps', async () => {
    const tee = teeBackend(wasm, native, model.manifest.classes.length);
    const viaWasm = await runInference(volume, model.manifest, { backend: tee.backend, batchSize });
    expect(tee.stats.voxels).toBeGreaterThan(0);
    expect(tee.stats.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(tee.stats.argmaxDiffers).toBe(0);
    const viaNative = await runInference(volume, model.manifest, { backend: native, batchSize });
    expect(viaNative.backend).toBe('native');
    expect(Buffer.from(viaWasm.labels.data).equals(Buffer.from(viaNative.labels.data))).toBe(true);
    console.log(
      `${name}: max |Δlogit| ${tee.stats.maxAbsDiff.toExponential(2)} over ${tee.stats.voxels} voxels`,
    );
  });
});

describe('MeshNet-style conform model: WASM and native vs the torch reference', () => {
  const FIXTURES = fileURLToPath(new URL('../../fixtures/inference/', import.meta.url));
  // region of the sample, torch labels and sampled probabilities: written by
  // platform/inference/training/reference_pipeline.py from the committed checkpoint
  const meta = JSON.parse(readFileSync(`${FIXTURES}meshnet-torch.json`, 'utf8')) as {
    sha256: string;
    subStart: Vec3;
    subSize: Vec3;
    probabilityStride: number;
  };
  const reference = gunzipSync(readFileSync(`${FIXTURES}meshnet-torch-sub.u8.gz`));
  // classes x every probabilityStride-th voxel, round(255 p)
  const referenceProbs = gunzipSync(readFileSync(`${FIXTURES}meshnet-torch-sub-probs.u8.gz`));
  let model: LoadedModel;
  let volume: Volume;
  let wasm: InferenceBackend;
  let native: InferenceBackend;
  beforeAll(async () => {
    model = await loadModelFromFile(`${MODELS}meshnet-colin27-conform.json`);
    volume = cropFloat32(
      readNifti(new Uint8Array(readFileSync(SAMPLE))),
      meta.subStart,
      meta.subSize,
    );
    wasm = await createNodeBackend('wasm', model, { threads: 1 });
    native = await createNodeBackend('native', model, { threads: 1 });
  });
  afterAll(async () => {
    await wasm?.release();
    await native?.release();
  });

  /** Dice of label l between ours (a) and the reference (b), with both voxel counts. */
  const dicePerClass = (a: ArrayLike<number>, b: ArrayLike<number>, labels: number[]) =>
    labels.map((l) => {
      let inter = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        const x = a[i] === l;
        const y = b[i] === l;
        if (x) na++;
        if (y) nb++;
        if (x && y) inter++;
      }
      return { label: l, dice: na + nb ? (2 * inter) / (na + nb) : 1, ours: na, reference: nb };
    });

  it('the fixture belongs to the shipped model', () => {
    expect(meta.sha256).toBe(model.manifest.sha256);
    expect(reference.length).toBe(meta.subSize[0] * meta.subSize[1] * meta.subSize[2]);
  });

  it('probabilities within 2/255 and Dice ≥ 0.99 per class against torch, WASM = native', async () => {
    const classes = model.manifest.classes.length;
    const labels = model.manifest.classes.map((c) => c.label).filter((l) => l !== 0);
    const tee = teeBackend(wasm, native, classes);
    const viaWasm = await runInference(volume, model.manifest, {
      backend: tee.backend,
      probabilities: true,
    });
    expect(tee.stats.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(viaWasm.modelGrid.dims).toEqual([256, 256, 256]);
    const t = performance.now();
    const viaNative = await runInference(volume, model.manifest, {
      backend: native,
      probabilities: true,
    });
    const nativeRunMs = performance.now() - t;
    expect(Buffer.from(viaWasm.labels.data).equals(Buffer.from(viaNative.labels.data))).toBe(true);
    const samples = referenceProbs.length / classes;
    let maxDiff = 0;
    for (const run of [viaWasm, viaNative])
      for (let c = 0; c < classes; c++)
        for (let s = 0; s < samples; s++) {
          const ours = run.probabilities!.data[c][s * meta.probabilityStride];
          maxDiff = Math.max(maxDiff, Math.abs(ours - referenceProbs[c * samples + s]));
        }
    const diceWasm = dicePerClass(viaWasm.labels.data, reference, labels);
    const diceNative = dicePerClass(viaNative.labels.data, reference, labels);
    const names = new Map(model.manifest.classes.map((c) => [c.label, c.name]));
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `meshnet vs torch: sample region ${meta.subSize.join('x')} at ${meta.subStart.join(',')}, ` +
        `model region ${viaNative.region.dims.join('x')}; network time WASM ` +
        `${s(tee.stats.wasmMs)}, native ${s(tee.stats.nativeMs)}; whole native run ` +
        `${s(nativeRunMs)}; max |Δlogit| WASM-native ${tee.stats.maxAbsDiff.toExponential(2)}; ` +
        `max |Δp| ${maxDiff}/255 at ${samples} voxels\n` +
        diceWasm
          .map(
            (d, i) =>
              `  ${d.label} ${names.get(d.label)}: torch ${d.reference} vox, WASM ${d.ours} vox ` +
              `Dice ${d.dice.toFixed(4)}, native ${diceNative[i].ours} vox ` +
              `Dice ${diceNative[i].dice.toFixed(4)}`,
          )
          .join('\n'),
    );
    expect(maxDiff).toBeLessThanOrEqual(2);
    // the region is chosen so that the reference holds several structures of some size
    expect(diceWasm.filter((d) => d.reference >= 200).length).toBeGreaterThanOrEqual(4);
    for (const run of [diceWasm, diceNative])
      for (const d of run.filter((r) => r.reference > 0 || r.ours > 0))
        expect(d.dice, `label ${d.label}`).toBeGreaterThanOrEqual(0.99);
  });
});
