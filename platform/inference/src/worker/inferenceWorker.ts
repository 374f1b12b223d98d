/**
 * Dedicated Web Worker that owns the ORT session (DESIGN §2): the page never blocks on
 * inference. WebGPU first when an adapter exists, else WASM (SIMD, threads when cross-origin
 * isolated). ORT's files come from our own server (`wasmPaths`, default '/ort/').
 */
import * as ort from 'onnxruntime-web';
import { isConcordError } from '@concord/core';
import { createWebBackend } from '../backends/web.ts';
import type { OrtBackend } from '../backends/ort.ts';
import { runInference } from '../engine/runInference.ts';
import { toProbabilityArrays } from '../engine/probabilities.ts';
import type { ModelManifest } from '../manifest/types.ts';
import { validateManifest } from '../manifest/validate.ts';
import type { FromWorker, SerializedError, ToWorker, WorkerInferenceResult } from './protocol.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

let backend: OrtBackend | null = null;
let manifest: ModelManifest | null = null;
const running = new Map<number, AbortController>();

function serialize(e: unknown): SerializedError {
  if (isConcordError(e)) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error || e instanceof DOMException) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'load': {
      if (backend) await backend.release();
      backend = null;
      manifest = validateManifest(msg.manifest);
      backend = await createWebBackend(ort, manifest, new Uint8Array(msg.modelBytes), {
        preference: msg.options.backend,
        threads: msg.options.threads,
        wasmPaths: msg.options.wasmPaths ?? '/ort/',
      });
      scope.postMessage({
        type: 'loaded',
        id: msg.id,
        backend: backend.name,
        threads: backend.threads,
      });
      return;
    }
    case 'run': {
      if (!backend || !manifest) throw new Error('No model loaded in the inference worker');
      const ctrl = new AbortController();
      running.set(msg.id, ctrl);
      const current = backend;
      try {
        const { floatProbabilities, ...options } = msg.options;
        const full = await runInference(msg.volume, manifest, {
          ...options,
          backend: current,
          signal: ctrl.signal,
          onProgress: (progress) => scope.postMessage({ type: 'progress', id: msg.id, progress }),
        });
        // the float conversion is per-voxel work: here, not on the page
        const result: WorkerInferenceResult =
          floatProbabilities && full.probabilities
            ? {
                ...full,
                probabilities: undefined,
                probabilityArrays: toProbabilityArrays(full.probabilities),
              }
            : full;
        // every array is transferred (no copy on either side)
        const transfer: Transferable[] = [result.labels.data.buffer as ArrayBuffer];
        for (const p of result.probabilities?.data ?? []) transfer.push(p.buffer as ArrayBuffer);
        for (const p of Object.values(result.probabilityArrays ?? {}))
          transfer.push(p.buffer as ArrayBuffer);
        scope.postMessage({ type: 'result', id: msg.id, result }, transfer);
      } catch (e) {
        // a cancelled run has released the session (runInference frees it on abort)
        if (ctrl.signal.aborted && backend === current) backend = null;
        throw e;
      } finally {
        running.delete(msg.id);
      }
      return;
    }
    case 'cancel':
      running.get(msg.id)?.abort();
      return;
    case 'dispose':
      for (const c of running.values()) c.abort();
      await backend?.release();
      backend = null;
      scope.postMessage({ type: 'disposed', id: msg.id });
      return;
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err) =>
    scope.postMessage({ type: 'error', id: e.data.id, error: serialize(err) }),
  );
};
