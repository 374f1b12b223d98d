/**
 * Dedicated Web Worker that owns the ORT session (docs/architecture.md): the page never blocks
 * on inference. WebGPU first when an adapter exists, else WASM (SIMD, threads when cross-origin
 * isolated). ORT's files come from our own server (`wasmPaths`, default '/ort/').
 */
import * as ort from 'onnxruntime-web';
import { expose, type Endpoint } from '@concord/core';
import { createInferenceWorkerApi } from './api.ts';

expose(createInferenceWorkerApi({ ort, wasmPaths: '/ort/' }), globalThis as unknown as Endpoint);
