/**
 * Dedicated Web Worker that owns the ORT session (docs/architecture.md): the page never blocks
 * on inference. WebGPU first when an adapter exists, else WASM (SIMD, threads when cross-origin
 * isolated). ORT's files come from our own server (`wasmPaths`, default '/ort/'); a build that
 * ships them with this worker (`npm run build:ohif`, docs/ohif.md) defines
 * `__CONCORD_ORT_BESIDE_WORKER__`: the one .wasm this ORT build needs is then the asset the
 * bundler emits, resolved from this file's own URL, so any deployment path works (a host such
 * as stock OHIF serves another ORT at '/ort/'); the .mjs glue is already in this bundle.
 */
import * as ort from 'onnxruntime-web';
// the default entry (WebGPU + WASM) runs ORT's JSEP build; its glue is bundled, its .wasm is not
import ortJsepWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { expose, type Endpoint } from '@concord/core';
import { createInferenceWorkerApi } from './api.ts';
import type { WasmPaths } from '../backends/web.ts';

declare const __CONCORD_ORT_BESIDE_WORKER__: boolean | undefined;

const wasmPaths: WasmPaths =
  typeof __CONCORD_ORT_BESIDE_WORKER__ !== 'undefined' && __CONCORD_ORT_BESIDE_WORKER__
    ? { wasm: new URL(ortJsepWasm, import.meta.url).href }
    : '/ort/';

expose(createInferenceWorkerApi({ ort, wasmPaths }), globalThis as unknown as Endpoint);
