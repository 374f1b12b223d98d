import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelMismatchError, type Direction } from '@concord/core';
import { runInference } from './runInference.ts';
import { planInference } from './plan.ts';
import { functionBackend, manifestFor, volumeOf } from './testing.ts';

// class 0 "probability" = the input, class 1 = 0.5: the label is 1 exactly where input < 0.5,
// whatever the tiling, padding and blending (a weighted mean of equal values is that value)
const thresholdModel = () =>
  functionBackend(2, (patch, _s, c, out) => {
    if (c === 0) out.set(patch);
    else out.fill(0.5);
  });

const pattern = (i: number, j: number, k: number) => ((i * 7 + j * 3 + k * 5) % 11) / 10;

describe('runInference: tiling and blending', () => {
  it('3D sliding window with overlap + Gaussian blending reproduces a pointwise model exactly', async () => {
    const vol = volumeOf({ dims: [37, 29, 21] }, pattern);
    const manifest = manifestFor({
      dimensionality: '3d',
      patchSize: [16, 16, 16],
      outputType: 'probabilities',
    });
    const plan = planInference(vol, manifest);
    expect(plan.tiles).toBeGreaterThan(8);
    const backend = thresholdModel();
    const res = await runInference(vol, manifest, { backend, probabilities: true });
    expect(backend.calls).toBe(plan.tiles);
    for (let n = 0; n < vol.data.length; n++)
      expect(res.labels.data[n]).toBe(vol.data[n] < 0.5 ? 1 : 0);
    // probabilities come back on the source grid, quantised to 1/255
    for (let n = 0; n < vol.data.length; n += 97)
      expect(Math.abs(res.probabilities!.data[0][n] - vol.data[n] * 255)).toBeLessThanOrEqual(
        0.501,
      );
    expect(res.labels.dims).toEqual(vol.dims);
    expect(res.tiles).toBe(plan.tiles);
  });

  it('2D slices larger than the patch are tiled in-plane and batched', async () => {
    const vol = volumeOf({ dims: [50, 23, 9] }, pattern);
    const manifest = manifestFor({
      dimensionality: '2d',
      patchSize: [16, 32],
      outputType: 'probabilities',
      overlap: 0.25,
    });
    const backend = thresholdModel();
    const res = await runInference(vol, manifest, { backend, batchSize: 4 });
    const plan = planInference(vol, manifest, 4);
    expect(plan.patch).toEqual([32, 16, 1]);
    expect(res.batches).toBe(Math.ceil(plan.tiles / 4));
    for (let n = 0; n < vol.data.length; n++)
      expect(res.labels.data[n]).toBe(vol.data[n] < 0.5 ? 1 : 0);
  });

  it('a constant-logit model gives its softmax everywhere, blended or not', async () => {
    const vol = volumeOf({ dims: [20, 18, 17] }, () => 1);
    const manifest = manifestFor({ dimensionality: '3d', patchSize: [8, 8, 8], classes: 3 });
    const logits = [0, 1, 2];
    const backend = functionBackend(3, (_p, _s, c, out) => out.fill(logits[c]));
    const res = await runInference(vol, manifest, { backend, probabilities: true });
    const z = Math.exp(0) + Math.exp(1) + Math.exp(2);
    expect(res.labels.data.every((v) => v === 2)).toBe(true);
    for (let c = 0; c < 3; c++) {
      const q = Math.round((Math.exp(logits[c]) / z) * 255);
      expect(res.probabilities!.data[c].every((v) => v === q)).toBe(true);
    }
  });
});

describe('runInference: geometry', () => {
  it('maps the model-space left half back to the patient-left voxels of an LPS volume', async () => {
    // RAS model: axis 0 starts at the patient's left. "Class 1 on the first half of W".
    const vol = volumeOf({ dims: [8, 6, 3] }, () => 1);
    const manifest = manifestFor({ dimensionality: '2d', orientation: 'RAS' });
    const backend = functionBackend(2, (_p, spatial, c, out) => {
      const [h, w] = spatial;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[y * w + x] = c === 1 ? (x < w / 2 ? 5 : -5) : 0;
    });
    const res = await runInference(vol, manifest, { backend });
    // LPS storage: i grows towards the patient's left, so i >= 4 is the left half
    for (let n = 0; n < vol.data.length; n++) expect(res.labels.data[n]).toBe(n % 8 >= 4 ? 1 : 0);
  });

  it('resamples to the model spacing and back onto the source grid (sagittal, anisotropic)', async () => {
    const direction: Direction = [0, -1, 0, 0, 0, -1, 1, 0, 0];
    const vol = volumeOf({ dims: [30, 24, 20], spacing: [1, 1.5, 0.8], direction }, (i, j, k) =>
      i + j + k < 34 ? 0.2 : 0.8,
    );
    const manifest = manifestFor({
      dimensionality: '3d',
      orientation: 'RAS',
      spacing: [1.2, 1.2, 1.2],
      patchSize: [16, 16, 16],
      outputType: 'probabilities',
    });
    const res = await runInference(vol, manifest, { backend: thresholdModel() });
    expect(res.modelGrid.spacing).toEqual([1.2, 1.2, 1.2]);
    let agree = 0;
    for (let n = 0; n < vol.data.length; n++)
      if (res.labels.data[n] === (vol.data[n] < 0.5 ? 1 : 0)) agree++;
    // only voxels next to the oblique boundary may move after two linear resamplings
    expect(agree / vol.data.length).toBeGreaterThan(0.97);
    expect(res.labels.direction).toEqual(direction);
  });
});

describe('runInference: control', () => {
  it('refuses up front when the memory estimate exceeds the limit', async () => {
    const vol = volumeOf({ dims: [64, 64, 64] }, () => 0);
    const manifest = manifestFor({ dimensionality: '3d', patchSize: [32, 32, 32] });
    const backend = thresholdModel();
    await expect(runInference(vol, manifest, { backend, memoryLimitBytes: 1e6 })).rejects.toThrow(
      /Not enough memory for this inference: it needs about \d+ MiB \(with 8-bit probabilities; .+\), the limit is 1 MiB .*--max-memory/,
    );
    await expect(
      runInference(vol, manifest, { backend, memoryLimitBytes: 1e6 }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(backend.calls).toBe(0);
  });

  it('cancels between batches, reports progress and releases the session', async () => {
    const vol = volumeOf({ dims: [16, 16, 40] }, pattern);
    const manifest = manifestFor({ dimensionality: '2d', outputType: 'probabilities' });
    const backend = thresholdModel();
    const ctrl = new AbortController();
    const seen: number[] = [];
    const run = runInference(vol, manifest, {
      backend,
      batchSize: 4,
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.stage !== 'inference') return;
        seen.push(p.done);
        if (p.done >= 8) ctrl.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([4, 8]);
    expect(backend.calls).toBe(2);
    expect(backend.released).toBe(true);
  });

  it('rejects a model whose output does not have the manifest class count', async () => {
    const vol = volumeOf({ dims: [8, 8, 2] }, () => 0);
    const manifest = manifestFor({ dimensionality: '2d', classes: 3 });
    await expect(runInference(vol, manifest, { backend: thresholdModel() })).rejects.toThrow(
      ModelMismatchError,
    );
  });
});

describe('runInference: labels without resampling every class', () => {
  it('gives the argmax of the resampled probabilities (same labels with and without probabilities)', async () => {
    const direction: Direction = [-1, 0, 0, 0, 1, 0, 0, 0, -1];
    const vol = volumeOf(
      { dims: [33, 27, 19], spacing: [0.9, 1.3, 2.1], direction },
      (i, j, k) => Math.sin(i / 4) + Math.cos(j / 5) + Math.sin((i + k) / 3),
    );
    const manifest = manifestFor({
      dimensionality: '2d',
      classes: 4,
      orientation: 'RAS',
      spacing: [1.6, 1.6, 1.2],
      patchSize: [16, 16],
      overlap: 0.5,
    });
    // smooth logits that cross each other: class c peaks where the input is near c - 1.5
    const model = () =>
      functionBackend(4, (patch, _s, c, out) => {
        for (let i = 0; i < patch.length; i++) out[i] = -((patch[i] - (c - 1.5)) ** 2) * 3;
      });
    const fast = await runInference(vol, manifest, { backend: model() });
    const full = await runInference(vol, manifest, { backend: model(), probabilities: true });
    expect(new Set(fast.labels.data).size).toBe(4);
    let differ = 0;
    for (let n = 0; n < vol.data.length; n++)
      if (fast.labels.data[n] !== full.labels.data[n]) differ++;
    expect(differ).toBe(0);
    // and the labels are the argmax of the returned (quantised) probabilities wherever that is unambiguous
    const p = full.probabilities!.data;
    for (let n = 0; n < vol.data.length; n++) {
      const q = p.map((d) => d[n]);
      const top = Math.max(...q);
      if (q.filter((v) => v >= top - 1).length === 1)
        expect(full.labels.data[n]).toBe(q.indexOf(top));
    }
  });
});
