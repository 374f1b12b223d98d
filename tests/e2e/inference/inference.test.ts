/**
 * The inference worker in headless Chromium (real onnxruntime-web, ORT files served by our own
 * static server with COOP/COEP) produces the same labelmap as the engine in Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, type Volume } from '@concord/core';
import { cropFloat32 as crop } from '../../helpers/volumes.ts';
import { runInference, type ModelManifest } from '@concord/inference';
import { createNodeBackend, loadModelFromFile } from '@concord/inference/node';
import { createStaticServer, listen } from '@concord/cli/server';
import { copyOrtAssets } from '../../../scripts/copy-ort-assets.mjs';
import { openBrowser, type BrowserSession } from '../../helpers/browser.ts';
import type { HarnessRequest, HarnessResult } from '../inference-harness/main.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MODELS = path.join(ROOT, 'platform/inference/models');

const ceManifest = async (): Promise<ModelManifest> =>
  JSON.parse(await readFile(path.join(MODELS, 'unet2d-colin27-ce.json'), 'utf8'));

/** The CE model on 64 x 64 patches with the sample's whole-volume intensity window. */
function smallModel(m: ModelManifest): ModelManifest {
  return {
    ...m,
    file: '../models/unet2d-colin27-ce.onnx',
    input: { ...m.input, patchSize: [64, 64] },
    preprocessing: {
      ...m.preprocessing,
      // p0.5 / p99.5 of the whole sample's non-zero voxels after resampling
      intensity: { type: 'window', center: 90.007, width: 179.736, outputRange: [0, 1] },
    },
  };
}

async function nodeLabels(
  vol: Volume,
  kind: 'wasm' | 'native',
  small = false,
  name = 'unet2d-colin27-ce',
) {
  const model = await loadModelFromFile(path.join(MODELS, `${name}.json`));
  if (small) model.manifest = smallModel(model.manifest);
  const backend = await createNodeBackend(kind, model, { threads: 1 });
  try {
    return (await runInference(vol, model.manifest, { backend })).labels.data;
  } finally {
    await backend.release();
  }
}

describe('inference worker in Chromium', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let browser: BrowserSession;
  const inputs: Record<string, Volume<Float32Array>> = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'concord-infer-e2e-'));
    const site = path.join(dir, 'site');
    execFileSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'tests/e2e/inference-harness/vite.config.ts',
      ],
      { cwd: ROOT, env: { ...process.env, HARNESS_OUT_DIR: site }, stdio: 'pipe' },
    );
    copyOrtAssets(path.join(site, 'ort'));
    await writeFile(path.join(site, 'favicon.ico'), new Uint8Array(0)); // no 404 in the console
    const t1 = readNifti(
      new Uint8Array(await readFile(path.join(ROOT, 'samples/colin27/t1.nii.gz'))),
    );
    inputs.whole = crop(t1, [0, 0, 0], t1.dims);
    inputs.slab = crop(t1, [0, 0, 52], [121, 145, 8]); // 1.5 mm -> 91 x 109 x 12 model grid
    // WebGPU on SwiftShader is slow: one 64 x 64 patch (85 x 85 at 1.5 mm = 64 x 64 at 2 mm)
    inputs.small = crop(t1, [18, 30, 60], [85, 85, 1]);
    await mkdir(path.join(dir, 'data'));
    // the same ONNX file with 64 x 64 patches (its H and W are symbolic); a crop has other
    // percentiles than the whole head, so the crop uses the whole volume's (as a window)
    await writeFile(
      path.join(dir, 'data', 'ce-64.json'),
      JSON.stringify(smallModel(await ceManifest())),
    );
    for (const [name, v] of Object.entries(inputs)) {
      const { data, ...grid } = v;
      await writeFile(path.join(dir, 'data', `${name}.json`), JSON.stringify(grid));
      await writeFile(path.join(dir, 'data', `${name}.f32`), new Uint8Array(data.buffer));
    }
    server = createStaticServer({
      host: '127.0.0.1',
      port: 0,
      mounts: [
        { prefix: '/models/', dir: MODELS },
        { prefix: '/data/', dir: path.join(dir, 'data') },
        { prefix: '/', dir: site },
      ],
    });
    base = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
    browser = await openBrowser();
    await browser.page.goto(`${base}/`);
    await browser.page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'ready',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const runInPage = (req: HarnessRequest): Promise<HarnessResult> =>
    browser.page.evaluate(
      (r) =>
        (
          globalThis as unknown as { runHarness: (r: HarnessRequest) => Promise<HarnessResult> }
        ).runHarness(r),
      req,
    );
  const decode = (r: HarnessResult) => new Uint8Array(Buffer.from(r.labelsBase64, 'base64'));

  it('2D U-Net on WASM (threads, cross-origin isolated) gives the labelmap of Node', async () => {
    const res = await runInPage({
      manifestUrl: `${base}/models/unet2d-colin27-ce.json`,
      volumeUrl: `${base}/data/slab`,
      backend: 'wasm',
    });
    expect(res.backend).toBe('wasm');
    expect(res.crossOriginIsolated).toBe(true);
    expect(res.threads).toBe(Math.min(os.availableParallelism(), 4));
    expect(res.progressEvents).toBeGreaterThan(1);
    const browserLabels = decode(res);
    const wasm = await nodeLabels(inputs.slab, 'wasm');
    expect(browserLabels.length).toBe(wasm.length);
    expect(Buffer.from(browserLabels).equals(Buffer.from(wasm))).toBe(true);
    const native = await nodeLabels(inputs.slab, 'native');
    expect(Buffer.from(browserLabels).equals(Buffer.from(native))).toBe(true);
    // the slab holds brain: the labelmap is not trivially background
    expect(new Set(browserLabels).size).toBeGreaterThanOrEqual(4);
    expect(browser.errors).toEqual([]);
  });

  it('cancelling a run in the worker stops it between batches and frees the session', async () => {
    const res = await runInPage({
      manifestUrl: `${base}/models/unet2d-colin27-ce.json`,
      volumeUrl: `${base}/data/slab`,
      backend: 'wasm',
      runs: [{ batchSize: 2 }],
      cancelAfter: 1,
    });
    expect(res.cancelled).toMatchObject({ name: 'AbortError', reloaded: true });
    expect(res.cancelled!.progressSeen).toBeLessThan(3);
    // after a new load the same client runs to the end
    expect(decode(res).length).toBe(121 * 145 * 8);
  });

  it('3D U-Net: sliding window (2 patches of 64^3, Gaussian blending) on WASM gives the labelmap of Node', async () => {
    const res = await runInPage({
      manifestUrl: `${base}/models/unet3d-colin27-tiny.json`,
      volumeUrl: `${base}/data/whole`,
      backend: 'wasm',
    });
    expect(res.backend).toBe('wasm');
    const labels = decode(res);
    const native = await nodeLabels(inputs.whole, 'native', false, 'unet3d-colin27-tiny');
    expect(Buffer.from(labels).equals(Buffer.from(native))).toBe(true);
    expect(new Set(labels).size).toBeGreaterThan(3);
  });

  it('auto skips a software WebGPU adapter; WebGPU asked for runs a 64 x 64 patch and agrees with Node', async () => {
    const req = { manifestUrl: `${base}/data/ce-64.json`, volumeUrl: `${base}/data/small` };
    const auto = await runInPage({ ...req, backend: 'auto' });
    // the launcher enables SwiftShader's fallback adapter: slower than WASM, so auto takes WASM
    expect(auto.backend).toBe(auto.adapter === 'hardware' ? 'webgpu' : 'wasm');
    const native = await nodeLabels(inputs.small, 'native', true);
    expect(new Set(native).size).toBeGreaterThan(2);
    if (auto.backend === 'wasm')
      expect(Buffer.from(decode(auto)).equals(Buffer.from(native))).toBe(true);
    if (auto.adapter === null) return; // no WebGPU at all on this browser
    const res = await runInPage({ ...req, backend: 'webgpu' });
    expect(res.backend).toBe('webgpu');
    console.log(`webgpu (${res.adapter} adapter): ${JSON.stringify(res.timings)}`);
    const labels = decode(res);
    let differ = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] !== native[i]) differ++;
    // GPU float arithmetic may flip a voxel at an exact tie; nothing more
    expect(differ / labels.length).toBeLessThan(1e-3);
  });
});
