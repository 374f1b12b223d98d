/**
 * The inference client over the core worker RPC, with the worker's API object served behind a
 * MessagePort (the structured clone and transfers a Web Worker uses) and the real onnxruntime-web
 * (WASM) running the shipped 2D model.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ModelMismatchError,
  expose,
  portEndpoint,
  type Endpoint,
  type Transferable,
} from '@concord/core';
import { createNodeBackend } from '../node/index.ts';
import { runInference } from '../engine/runInference.ts';
import { toProbabilityArrays } from '../engine/probabilities.ts';
import { volumeOf } from '../engine/testing.ts';
import { parseManifest } from '../manifest/validate.ts';
import type { InferenceProgress } from '../engine/types.ts';
import { createInferenceWorkerApi } from './api.ts';
import { createInferenceClient, type InferenceClient, type ModelSource } from './client.ts';

const MODELS = new URL('../../models/', import.meta.url);
const manifestPath = fileURLToPath(new URL('unet2d-colin27-ce.json', MODELS));
const model: ModelSource = {
  manifest: parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath),
  modelBytes: new Uint8Array(readFileSync(new URL('unet2d-colin27-ce.onnx', MODELS))),
};

/** A head-like blob: 56 x 48 x 6 voxels of 2 x 2 x 1 mm, one 2D patch per slice. */
const head = () =>
  volumeOf({ dims: [56, 48, 6], spacing: [2, 2, 1] }, (i, j, k) => {
    const r = Math.hypot((i - 28) / 24, (j - 24) / 20, (k - 3) / 8);
    return r < 1 ? 40 + 80 * (1 - r) + ((i * 7 + j * 3 + k) % 5) : 0;
  });

/** A worker's two ends: the client's endpoint, and what the worker side posted (with transfers). */
function workerPort() {
  const { port1, port2 } = new MessageChannel();
  const posted: { message: unknown; transfer: Transferable[] }[] = [];
  const port = portEndpoint(port2);
  const worker: Endpoint = {
    ...port,
    postMessage: (m, t) => {
      posted.push({ message: m, transfer: t ?? [] });
      port.postMessage(m, t);
    },
  };
  const stop = expose(createInferenceWorkerApi({ ort }), worker);
  return { endpoint: portEndpoint(port1), posted, stop };
}

let client: InferenceClient | null = null;
afterEach(async () => {
  await client?.dispose().catch(() => {});
  client = null;
});

describe('inference client over the worker RPC', () => {
  it('loads, reports backend and threads, runs with progress and transfers every array back', async () => {
    const w = workerPort();
    client = createInferenceClient({ worker: w.endpoint });
    expect(await client.load(model, { backend: 'wasm', threads: 1 })).toEqual({
      backend: 'wasm',
      threads: 1,
      reason: 'WASM: chosen in the backend setting, 1 thread',
    });
    expect(model.modelBytes.byteLength).toBeGreaterThan(0); // the caller's model bytes stay

    const volume = head();
    const before = volume.data.slice();
    const progress: InferenceProgress[] = [];
    const res = await client.run(volume, {
      probabilities: true,
      floatProbabilities: true,
      batchSize: 2,
      onProgress: (p) => progress.push(p),
    });
    // the caller's volume is intact (a copy went to the worker)
    expect(volume.data).toEqual(before);
    // 6 slices in batches of 2
    expect(progress.filter((p) => p.stage === 'inference').map((p) => p.done)).toEqual([2, 4, 6]);
    expect(res.backend).toBe('wasm');
    expect(res.batches).toBe(3);

    // the same numbers as the engine run directly on the same runtime
    const backend = await createNodeBackend('wasm', model, { threads: 1 });
    const direct = await runInference(volume, model.manifest, {
      backend,
      probabilities: true,
      batchSize: 2,
    });
    await backend.release();
    expect(res.labels.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(res.labels.data).equals(Buffer.from(direct.labels.data))).toBe(true);
    expect(new Set(res.labels.data).size).toBeGreaterThan(1);
    expect(res.probabilities).toBeUndefined();
    expect(res.probabilityArrays).toEqual(toProbabilityArrays(direct.probabilities!));
    expect(res.intensity).toEqual(direct.intensity);

    // the result moved: labels + one Float32Array per foreground class
    const results = w.posted.filter((p) => (p.message as { rpc: string }).rpc === 'result');
    const foreground = model.manifest.classes.length - 1;
    expect(results.map((r) => r.transfer.length)).toEqual([0, 1 + foreground]);
  }, 60_000);

  it('revives the worker errors with their class and code', async () => {
    const w = workerPort();
    client = createInferenceClient({ worker: w.endpoint });
    const wrongHash = { ...model, manifest: { ...model.manifest, sha256: '0'.repeat(64) } };
    const err = await client.load(wrongHash, { backend: 'wasm', threads: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelMismatchError);
    expect((err as ModelMismatchError).code).toBe('MODEL_MISMATCH');
    const noModel = await client.run(head()).catch((e: Error) => e);
    expect((noModel as Error).message).toBe('No model loaded in the inference worker');
  }, 60_000);

  it('cancel rejects with AbortError, stops the run between batches and frees the session', async () => {
    const w = workerPort();
    client = createInferenceClient({ worker: w.endpoint });
    await client.load(model, { backend: 'wasm', threads: 1 });
    const ctrl = new AbortController();
    let batches = 0;
    const cancelled = await client
      .run(head(), {
        batchSize: 1,
        signal: ctrl.signal,
        onProgress: (p) => {
          if (p.stage === 'inference' && ++batches === 1) ctrl.abort();
        },
      })
      .catch((e: Error) => e);
    expect((cancelled as Error).name).toBe('AbortError');
    // the session is gone: running again needs a new load
    await expect(client.run(head())).rejects.toThrow('No model loaded in the inference worker');
    // auto in Node: no navigator.gpu, so WASM, and the reason says so
    expect((await client.load(model, { backend: 'auto', threads: 1 })).reason).toBe(
      'auto: no WebGPU adapter (navigator.gpu missing or no adapter), so WASM, 1 thread',
    );
    const res = await client.run(head(), { batchSize: 2 });
    expect(res.batches).toBe(3);
    // an already aborted signal never reaches the worker
    await expect(client.run(head(), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  }, 60_000);

  it('dispose frees the session and closes the connection', async () => {
    const w = workerPort();
    client = createInferenceClient({ worker: w.endpoint });
    await client.load(model, { backend: 'wasm', threads: 1 });
    await client.dispose();
    await expect(client.run(head())).rejects.toThrow('RPC connection is closed');
    client = null;
  }, 60_000);
});
