/**
 * onnxruntime-web (WASM, in Node) vs onnxruntime-node on the same preprocessed batches of the
 * sample study: max |Δlogit| ≤ 1e-4 and identical labelmaps.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, type Volume } from '@concord/core';
import { runInference, type InferenceBackend } from '@concord/inference';
import { createNodeBackend, loadModelFromFile, type LoadedModel } from '@concord/inference/node';

const MODELS = fileURLToPath(new URL('../../../platform/inference/models/', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../samples/colin27/t1.nii.gz', import.meta.url));

/** Runs both runtimes on every batch, records the logit differences, returns the WASM output. */
function teeBackend(wasm: InferenceBackend, native: InferenceBackend, classes: number) {
  const stats = { maxAbsDiff: 0, argmaxDiffers: 0, voxels: 0 };
  const backend: InferenceBackend = {
    name: 'wasm',
    threads: 1,
    async run(batch, shape) {
      const copy = batch.slice();
      const a = await wasm.run(batch, shape);
      const b = await native.run(copy, shape);
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
