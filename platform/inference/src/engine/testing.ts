// Test helpers shared by the engine's unit tests (not exported from the package).
import type { Direction, Grid, Vec3, Volume } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import type { InferenceBackend } from './backend.ts';

export function volumeOf(
  grid: Partial<Grid> & { dims: Vec3 },
  f: (i: number, j: number, k: number) => number,
): Volume<Float32Array> {
  const [nx, ny, nz] = grid.dims;
  const data = new Float32Array(nx * ny * nz);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[o++] = f(i, j, k);
  return {
    spacing: [1, 1, 1],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Direction,
    ...grid,
    data,
  };
}

export function manifestFor(over: {
  dimensionality: '2d' | '3d';
  patchSize?: number[];
  classes?: number;
  orientation?: 'RAS' | 'LPS';
  spacing?: Vec3 | null;
  overlap?: number;
  blend?: 'gaussian' | 'constant';
  outputType?: 'logits' | 'probabilities';
  multipleOf?: number;
}): ModelManifest {
  const n = over.classes ?? 2;
  return {
    schema: 'concord.model/v1',
    name: 'test-model',
    version: '0.0.1',
    file: 'test.onnx',
    sha256: '0'.repeat(64),
    dimensionality: over.dimensionality,
    input: {
      name: 'image',
      layout: over.dimensionality === '2d' ? 'NCHW' : 'NCDHW',
      channels: 1,
      dtype: 'float32',
      ...(over.patchSize ? { patchSize: over.patchSize } : {}),
      ...(over.multipleOf ? { multipleOf: over.multipleOf } : {}),
    },
    output: { name: 'logits', type: over.outputType ?? 'logits', classAxis: 1 },
    preprocessing: {
      orientation: over.orientation ?? 'LPS',
      spacing: over.spacing ?? null,
      intensity: { type: 'none' },
      padValue: 0,
    },
    inference: { overlap: over.overlap ?? 0.5, blend: over.blend ?? 'gaussian' },
    classes: Array.from({ length: n }, (_, c) => ({ label: c, name: `class ${c}` })),
  };
}

/**
 * A pure-function model for testing the engine's geometry: `f(inputPatch, shape)` returns
 * the output for one batch element (classes x spatial).
 */
export function functionBackend(
  classes: number,
  f: (patch: Float32Array, spatial: number[], c: number, out: Float32Array) => void,
): InferenceBackend & { calls: number; released: boolean } {
  const backend = {
    name: 'js',
    threads: 1,
    calls: 0,
    released: false,
    async run(batch: Float32Array, shape: readonly number[]) {
      backend.calls++;
      const spatial = shape.slice(2);
      const n = spatial.reduce((a, b) => a * b, 1);
      const out = new Float32Array(shape[0] * classes * n);
      for (let b = 0; b < shape[0]; b++) {
        const patch = batch.subarray(b * n, (b + 1) * n);
        for (let c = 0; c < classes; c++)
          f(patch, spatial, c, out.subarray((b * classes + c) * n, (b * classes + c + 1) * n));
      }
      return out;
    },
    async release() {
      backend.released = true;
    },
  };
  return backend;
}
