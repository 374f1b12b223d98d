import { describe, expect, it } from 'vitest';
import { indexToWorld, worldToIndex, type Direction, type Vec3 } from '@concord/core';
import type { ModelManifest } from '../manifest/types.ts';
import { conformGrid } from './conform.ts';
import { estimateInferenceMemory, planInference } from './plan.ts';
import { postprocessLabels } from './postprocess.ts';
import { cropRegion, planInferenceMemory, runInference } from './runInference.ts';
import { functionBackend, manifestFor, volumeOf } from './testing.ts';

const GiB = 1024 ** 3;

// "class 1 where the model input is above 0.5": a pointwise model with one-hot softmax (|logit| > 24),
// so that voxels cropped away (background, p = 1) and the model's own background agree exactly
const aboveHalf = () =>
  functionBackend(2, (patch, _s, c, out) => {
    for (let i = 0; i < patch.length; i++) out[i] = c === 1 ? (patch[i] > 0.5 ? 40 : -40) : 0;
  });

function conformManifest(over: Partial<ModelManifest['preprocessing']> = {}): ModelManifest {
  const m = manifestFor({ dimensionality: '3d', classes: 2 });
  m.preprocessing = {
    ...m.preprocessing,
    orientation: 'LIA',
    resample: 'conform',
    spacing: [1, 1, 1],
    intensity: { type: 'window', center: 127.5, width: 255, outputRange: [0, 1] },
    ...over,
  };
  m.inference = { overlap: 0, blend: 'constant' };
  return m;
}

describe('resample "conform" end to end', () => {
  // an oblique 2 mm volume with a bright ball: the conformed model sees it at 1 mm LIA and the
  // labels come back on the oblique source grid where the ball is
  const direction: Direction = [0.94, 0.34, 0, -0.34, 0.94, 0, 0, 0, 1];
  const vol = volumeOf(
    { dims: [40, 36, 30], spacing: [2, 2, 2], origin: [-30, 10, -25], direction },
    (i, j, k) => ((i - 20) ** 2 + (j - 17) ** 2 + (k - 14) ** 2 < 64 ? 900 : 100),
  );

  it('labels the source voxels of the ball (probabilities resampled, not labels)', async () => {
    const m = conformManifest({ crop: { threshold: 0, margin: 3 } });
    const res = await runInference(vol, m, { backend: aboveHalf() });
    expect(res.modelGrid.dims).toEqual([256, 256, 256]);
    expect(res.modelGrid.direction).toEqual([1, 0, 0, 0, 0, -1, 0, -1, 0]);
    expect(res.conform!.scale).toBeGreaterThan(0);
    let agree = 0;
    for (let n = 0; n < vol.data.length; n++)
      if (res.labels.data[n] === (vol.data[n] > 500 ? 1 : 0)) agree++;
    // only voxels on the ball's surface may differ after conform and back
    expect(agree / vol.data.length).toBeGreaterThan(0.995);
    expect(res.labels.direction).toEqual(direction);
  });

  it('crops to the foreground box plus margin and maps the rest to background', async () => {
    const m = conformManifest({ crop: { threshold: 0, margin: 3 } });
    const res = await runInference(vol, m, { backend: aboveHalf() });
    // the background (100) conforms to 0: the region is the ball's box (radius 8 voxels of
    // 2 mm: 32-35 conformed voxels across) plus 3 voxels each side
    expect(res.region.dims.every((d) => d >= 35 && d <= 43)).toBe(true);
    const wide = conformManifest({ crop: { threshold: 0, margin: 40 } });
    const wider = await runInference(vol, wide, { backend: aboveHalf() });
    expect(wider.region.dims.every((d) => d > 90)).toBe(true);
    expect(Buffer.from(res.labels.data).equals(Buffer.from(wider.labels.data))).toBe(true);
  });

  it('puts the conformed centre on the source centre (FreeSurfer: dims / 2)', () => {
    const g = conformGrid(vol);
    const c = indexToWorld(vol, [20, 18, 15]);
    const p = worldToIndex(g, c);
    p.forEach((v) => expect(v).toBeCloseTo(128, 9));
  });
});

describe('cropRegion', () => {
  it('is the bounding box above the threshold grown by the margin, clamped', () => {
    const dims: Vec3 = [10, 8, 6];
    const data = new Float32Array(480);
    data[(3 * 8 + 2) * 10 + 4] = 5; // (4, 2, 3)
    data[(4 * 8 + 5) * 10 + 8] = 5; // (8, 5, 4)
    expect(cropRegion(data, dims, { margin: 2 })).toEqual({
      start: [2, 0, 1],
      dims: [8, 8, 5],
    });
    expect(cropRegion(data, dims, { margin: 0, threshold: 5 })).toEqual({
      start: [0, 0, 0],
      dims,
    });
  });
});

describe('postprocessing', () => {
  // 6 x 5 x 3: the pattern on the middle slice; the outer slices hold class 1 only at (1, 1),
  // closing the hole at (1, 1, 1) in 3D
  const dims: Vec3 = [6, 5, 3];
  const withCaps = (middle: number[]) => {
    const cap = Array.from({ length: 30 }, (_, i) => (i === 7 ? 1 : 0));
    return Uint8Array.from([...cap, ...middle, ...cap]);
  };
  // prettier-ignore
  const base = [
    1, 1, 0, 0, 2, 0,
    1, 0, 1, 0, 0, 0,
    1, 1, 1, 0, 0, 2,
    0, 0, 0, 0, 2, 2,
    1, 0, 0, 0, 2, 2,
  ];
  it('keeps the largest 26-connected component per class', () => {
    const l = withCaps(base);
    postprocessLabels(l, dims, { largestComponent: 'perClass' }, [0, 1, 2]);
    // prettier-ignore
    expect(Array.from(l)).toEqual(Array.from(withCaps([
      1, 1, 0, 0, 0, 0,
      1, 0, 1, 0, 0, 0,
      1, 1, 1, 0, 0, 2,
      0, 0, 0, 0, 2, 2,
      0, 0, 0, 0, 2, 2,
    ])));
  });
  it('keeps the largest foreground component, then fills holes per class', () => {
    const l = withCaps(base);
    postprocessLabels(l, dims, { largestComponent: 'foreground', fillHoles: true }, [0, 1, 2]);
    // prettier-ignore
    expect(Array.from(l)).toEqual(Array.from(withCaps([
      1, 1, 0, 0, 0, 0,
      1, 1, 1, 0, 0, 0,
      1, 1, 1, 0, 0, 0,
      0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0,
    ])));
  });
  it('fills nothing in a single slice (every voxel touches the border, as in scipy)', () => {
    const l = Uint8Array.from(base);
    postprocessLabels(l, [6, 5, 1], { fillHoles: true }, [0, 1, 2]);
    expect(Array.from(l)).toEqual(base);
  });
});

describe('memory plan', () => {
  const big = (classes: number) => {
    const vol = { dims: [256, 256, 256] as Vec3, spacing: [1, 1, 1] as Vec3 };
    const m = manifestFor({ dimensionality: '3d', classes, patchSize: [128, 128, 128] });
    m.preprocessing.orientation = 'RAS';
    const grid = {
      ...vol,
      origin: [0, 0, 0] as Vec3,
      direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] as Direction,
    };
    return { grid, m, plan: planInference(grid, m) };
  };

  it('plans an 18-class model on 256^3 within the default limit and the wasm32 heap', () => {
    const { grid, m, plan } = big(18);
    const mem = planInferenceMemory(plan, grid, m, {});
    expect(mem.precision).toBe('unorm16');
    expect(mem.bytes).toBeLessThan(2 * GiB);
    expect(mem.bytes).toBeLessThan(4 * GiB);
    // no float32 volume of all classes: the probability planes are 2 bytes per class and voxel
    expect(mem.parts['class probabilities']).toBe(18 * 256 ** 3 * 2 + 256 ** 3 * 4);
    console.log(`18 classes, 256^3: plan ${(mem.bytes / GiB).toFixed(2)} GiB`, mem.parts);
  });

  it('falls back to 8-bit probabilities, and refuses naming the memory it would need', () => {
    const { grid, m, plan } = big(104);
    expect(() => planInferenceMemory(plan, grid, m, {})).toThrow(
      /needs about \d+ MiB \(with 8-bit probabilities; .*\), the limit is 2048 MiB .*--max-memory/,
    );
    const mem = planInferenceMemory(plan, grid, m, { memoryLimitBytes: 4 * GiB });
    expect(mem.precision).toBe('unorm8');
    expect(mem.bytes).toBeLessThan(4 * GiB);
    expect(mem.bytes).toBeGreaterThan(
      estimateInferenceMemory(plan, grid, { manifest: m }).bytes / 2,
    );
  });
});
