/**
 * Node-only helpers (`@concord/inference/node`): load a model from disk and
 * create an onnxruntime-web (WASM) or onnxruntime-node (native CPU) backend.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '@concord/core';
import { parseManifest } from '../manifest/validate.ts';
import type { ModelManifest } from '../manifest/types.ts';
import { createOrtBackend, type OrtBackend, type OrtBackendOptions } from '../backends/ort.ts';

export interface LoadedModel {
  manifest: ModelManifest;
  modelBytes: Uint8Array;
  manifestPath: string;
  modelPath: string;
}

/** Reads and validates a manifest and the ONNX file it names (relative to the manifest). */
export async function loadModelFromFile(manifestPath: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new InvalidInputError(
      `Cannot read model manifest ${manifestPath}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  const manifest = parseManifest(text, manifestPath);
  const modelPath = path.resolve(path.dirname(manifestPath), manifest.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (e) {
    throw new InvalidInputError(
      `Cannot read model file ${modelPath}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  return {
    manifest,
    modelBytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    manifestPath,
    modelPath,
  };
}

export type NodeBackendKind = 'wasm' | 'native';

/** Default thread count in Node: min(cores, 4). */
export function defaultNodeThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 4));
}

/**
 * A backend for Node: 'native' = onnxruntime-node CPU, 'wasm' = onnxruntime-web's WASM build
 * (the same runtime as the browser). ORT-web's thread count is process-wide and fixed by the
 * first session: later calls with another count keep the first.
 */
export async function createNodeBackend(
  kind: NodeBackendKind,
  model: Pick<LoadedModel, 'manifest' | 'modelBytes'>,
  options: {
    threads?: number;
    graphOptimizationLevel?: OrtBackendOptions['graphOptimizationLevel'];
  } = {},
): Promise<OrtBackend> {
  const threads = options.threads ?? defaultNodeThreads();
  if (kind === 'native') {
    const ort = await import('onnxruntime-node');
    return createOrtBackend(ort, model.manifest, model.modelBytes, {
      executionProviders: ['cpu'],
      name: 'native',
      threads,
      setIntraOpThreads: true,
      graphOptimizationLevel: options.graphOptimizationLevel,
    });
  }
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return createOrtBackend(ort, model.manifest, model.modelBytes, {
    executionProviders: ['wasm'],
    name: 'wasm',
    threads: ort.env.wasm.numThreads ?? threads,
    graphOptimizationLevel: options.graphOptimizationLevel,
  });
}
