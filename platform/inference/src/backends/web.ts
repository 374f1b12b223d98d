import type * as OrtWeb from 'onnxruntime-web';
import { ModelMismatchError } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { checkModelSha256 } from '../manifest/validate.ts';
import { createOrtBackend, type OrtBackend } from './ort.ts';

export type WebBackendPreference = 'auto' | 'webgpu' | 'wasm';

/** ORT's `env.wasm.wasmPaths`: a URL prefix of its .wasm/.mjs files, or the files' own URLs. */
export type WasmPaths = string | { wasm?: string; mjs?: string };

export interface WebBackendOptions {
  preference?: WebBackendPreference;
  /** WASM threads; default min(hardwareConcurrency, 4) when cross-origin isolated, else 1. */
  threads?: number;
  /** Where ORT's .wasm/.mjs files are served (our own server; never a CDN). */
  wasmPaths?: WasmPaths;
}

interface WorkerLikeGlobal {
  navigator?: { hardwareConcurrency?: number; gpu?: { requestAdapter(): Promise<unknown | null> } };
  crossOriginIsolated?: boolean;
}

/** WASM threads: min(cores, 4) when the page is cross-origin isolated (SharedArrayBuffer), else 1. */
export function defaultWasmThreads(g: WorkerLikeGlobal = globalThis as WorkerLikeGlobal): number {
  if (!g.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(g.navigator?.hardwareConcurrency ?? 1, 4));
}

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}

/**
 * What `navigator.gpu.requestAdapter()` gives: a 'hardware' adapter, a software 'fallback'
 * (SwiftShader: correct but 20-90x slower than WASM here, docs/platform-notes.md), or null.
 */
export async function webGpuAdapterKind(
  g: WorkerLikeGlobal = globalThis as WorkerLikeGlobal,
): Promise<'hardware' | 'fallback' | null> {
  try {
    const a = (await g.navigator?.gpu?.requestAdapter()) as AdapterLike | null | undefined;
    if (!a) return null;
    return a.info?.isFallbackAdapter || a.isFallbackAdapter ? 'fallback' : 'hardware';
  } catch {
    return null;
  }
}

/** True when `navigator.gpu` hands out any adapter. */
export async function hasWebGpuAdapter(
  g: WorkerLikeGlobal = globalThis as WorkerLikeGlobal,
): Promise<boolean> {
  return (await webGpuAdapterKind(g)) !== null;
}

/** A web backend and why it was chosen (shown in the Model panel). */
export interface WebBackend extends OrtBackend {
  readonly reason: string;
}

/**
 * onnxruntime-web backend for a browser worker (or Node): 'auto' = WebGPU when a hardware
 * adapter exists, else WASM (a software fallback adapter is slower than WASM; ask for 'webgpu'
 * to use it anyway). The returned backend's `name` is the one that actually got a session, and
 * `reason` says why.
 */
export async function createWebBackend(
  ort: Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>,
  manifest: ModelManifest,
  modelBytes: Uint8Array,
  options: WebBackendOptions = {},
): Promise<WebBackend> {
  const preference = options.preference ?? 'auto';
  const threads = options.threads ?? defaultWasmThreads();
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.wasm.numThreads = threads;
  // the model bytes may be transferred to ORT: hash first, give each attempt its own copy
  await checkModelSha256(manifest, modelBytes);
  const adapter = preference === 'auto' ? await webGpuAdapterKind() : undefined;
  const tryWebGpu = preference === 'webgpu' || adapter === 'hardware';
  let reason =
    preference === 'wasm'
      ? 'WASM: chosen in the backend setting'
      : adapter === 'fallback'
        ? 'auto: the only WebGPU adapter is a software fallback (e.g. SwiftShader), slower than WASM, so WASM'
        : 'auto: no WebGPU adapter (navigator.gpu missing or no adapter), so WASM';
  if (tryWebGpu) {
    try {
      const b = await createOrtBackend(ort, manifest, modelBytes.slice(), {
        executionProviders: ['webgpu'],
        name: 'webgpu',
        threads: 1,
        skipSha256: true,
      });
      const why =
        preference === 'webgpu'
          ? 'WebGPU: chosen in the backend setting'
          : 'auto: a hardware WebGPU adapter is available, so WebGPU';
      return Object.assign(b, { reason: why });
    } catch (e) {
      if (preference === 'webgpu' || e instanceof ModelMismatchError) throw e;
      // auto: fall back to WASM (recorded as such in the result)
      reason = `auto: WebGPU failed on the hardware adapter (${(e as Error).message.split('\n')[0]}), so WASM`;
    }
  }
  const b = await createOrtBackend(ort, manifest, modelBytes.slice(), {
    executionProviders: ['wasm'],
    name: 'wasm',
    threads,
    skipSha256: true,
  });
  return Object.assign(b, {
    reason:
      `${reason}, ${threads} thread${threads === 1 ? '' : 's'}` +
      (options.threads === undefined && threads === 1
        ? ' (the page is not cross-origin isolated, or has one core)'
        : ''),
  });
}
