/**
 * Dedicated Web Worker that owns the ORT session (docs/architecture.md): the page never blocks
 * on inference. WebGPU first when an adapter exists, else WASM (SIMD, threads when cross-origin
 * isolated). ORT's files come from our own server (`wasmPaths`, default '/ort/'); a build that
 * ships them next to this worker (`npm run build:ohif`, docs/ohif.md) defines
 * `__CONCORD_ORT_BESIDE_WORKER__`, and they are then resolved from this file's own URL, so any
 * deployment path works (a host such as stock OHIF serves another ORT at '/ort/').
 */
import * as ort from 'onnxruntime-web';
import { expose, type Endpoint } from '@concord/core';
import { createInferenceWorkerApi } from './api.ts';

declare const __CONCORD_ORT_BESIDE_WORKER__: boolean | undefined;

const wasmPaths =
  typeof __CONCORD_ORT_BESIDE_WORKER__ !== 'undefined' && __CONCORD_ORT_BESIDE_WORKER__
    ? new URL(/* @vite-ignore */ './', import.meta.url).href
    : '/ort/';

expose(createInferenceWorkerApi({ ort, wasmPaths }), globalThis as unknown as Endpoint);
