/**
 * `npm run bench:inference` (issue 5 item 7): the 2D U-Net on the sample study (Colin27,
 * 121x145x121 at 1.5 mm -> 91x109x182 model grid, 182 slices), side by side in one run:
 *   - onnxruntime-node (native) 1 and N threads, onnxruntime-web WASM in Node 1 and N threads
 *     (each in its own process: ORT-web's thread count is per process),
 *   - headless Chromium: the real inference worker, WASM 1 and N threads (cross-origin
 *     isolated page served with COOP/COEP), WebGPU where an adapter exists (SwiftShader here:
 *     measured on one 64x64 patch only, with WASM on the same patch for comparison).
 * Per-slice latency = median backend.run time over the 182 single-slice batches of one pass;
 * whole volume = median of 3 passes with the default batch (8), split into pre / inference / post.
 * N = min(cores, 4). Writes .bench/inference.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti } from '@concord/core';
import { cropFloat32 as crop } from '../../tests/helpers/volumes.ts';
import type { InferenceTimings } from '@concord/inference';
import { createStaticServer, listen } from '@concord/cli/server';
import { copyOrtAssets } from '../copy-ort-assets.mjs';
import { openBrowser } from '../../tests/helpers/browser.ts';
import type { HarnessRequest, HarnessResult } from '../../tests/e2e/inference-harness/main.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = path.join(ROOT, 'platform/inference/models');
const MANIFEST = path.join(MODELS, 'unet2d-colin27-ce.json');
const SAMPLE = path.join(ROOT, 'samples/colin27/t1.nii.gz');
const N = Math.max(1, Math.min(os.availableParallelism(), 4));
const REPEATS = 3;

interface Row {
  config: string;
  backend: string;
  threads: number;
  perSliceMs: number | null;
  perSliceSamples: number;
  input: string;
  whole?: { totalMs: number; preprocessMs: number; inferenceMs: number; postprocessMs: number };
  prePostShare?: number;
  /** Peak RSS of the case's own process (Node rows), and the engine's memory plan. */
  peakRssBytes?: number;
  plannedBytes?: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function wholeOf(
  runs: Pick<InferenceTimings, 'totalMs' | 'preprocessMs' | 'inferenceMs' | 'postprocessMs'>[],
) {
  const m = median(runs.map((r) => r.totalMs));
  const run = runs.find((r) => r.totalMs === m) ?? runs[0];
  const whole = {
    totalMs: run.totalMs,
    preprocessMs: run.preprocessMs,
    inferenceMs: run.inferenceMs,
    postprocessMs: run.postprocessMs,
  };
  return { whole, prePostShare: (run.preprocessMs + run.postprocessMs) / run.totalMs };
}

function nodeRow(
  kind: 'native' | 'wasm',
  threads: number,
  level?: 'all',
  manifest = MANIFEST,
  volume = SAMPLE,
  label = 'sample 112x96 slices',
  repeats = REPEATS,
): Row {
  const r = spawnSync(
    process.execPath,
    [
      // workspace packages from their TypeScript sources
      '--conditions=source',
      '--import',
      'tsx',
      path.join(ROOT, 'scripts/bench-inference/node-config.ts'),
      kind,
      String(threads),
      manifest,
      volume,
      String(repeats),
      ...(level ? [level] : []),
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`node ${kind} ${threads}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return {
    config: `node ${kind === 'native' ? 'onnxruntime-node' : 'onnxruntime-web WASM'} ${threads}t${level ? ` (ORT level ${level})` : ''}${manifest === MANIFEST ? '' : ` ${path.basename(manifest, '.json')}`}`,
    backend: out.backend,
    threads: out.threads,
    perSliceMs: out.perSliceMs,
    perSliceSamples: out.perSliceSamples,
    input: label,
    ...wholeOf(out.runs),
    peakRssBytes: out.peakRssBytes,
    plannedBytes: out.plannedBytes,
  };
}

async function browserRows(): Promise<Row[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-bench-infer-'));
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
  writeFileSync(path.join(site, 'favicon.ico'), new Uint8Array(0));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const t1 = readNifti(new Uint8Array(readFileSync(SAMPLE)));
  const volumes = {
    whole: crop(t1, [0, 0, 0], t1.dims),
    small: crop(t1, [18, 30, 60], [85, 85, 1]),
  };
  for (const [name, v] of Object.entries(volumes)) {
    const { data: voxels, ...grid } = v;
    writeFileSync(path.join(data, `${name}.json`), JSON.stringify(grid));
    writeFileSync(path.join(data, `${name}.f32`), new Uint8Array(voxels.buffer));
  }
  const ce = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  writeFileSync(
    path.join(data, 'ce-64.json'),
    JSON.stringify({
      ...ce,
      file: '../models/unet2d-colin27-ce.onnx',
      input: { ...ce.input, patchSize: [64, 64] },
    }),
  );
  const server = createStaticServer({
    host: '127.0.0.1',
    port: 0,
    mounts: [
      { prefix: '/models/', dir: MODELS },
      { prefix: '/data/', dir: data },
      { prefix: '/', dir: site },
    ],
  });
  const base = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  const browser = await openBrowser();
  const rows: Row[] = [];
  try {
    await browser.page.goto(`${base}/`);
    await browser.page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'ready',
    );
    const run = (req: HarnessRequest): Promise<HarnessResult> =>
      browser.page.evaluate(
        (r) =>
          (
            globalThis as unknown as { runHarness: (r: HarnessRequest) => Promise<HarnessResult> }
          ).runHarness(r),
        req,
      );
    for (const threads of [1, N]) {
      // warm-up, one pass of single-slice batches, then REPEATS whole-volume passes
      const res = await run({
        manifestUrl: `${base}/models/unet2d-colin27-ce.json`,
        volumeUrl: `${base}/data/whole`,
        backend: 'wasm',
        threads,
        runs: [{}, { batchSize: 1 }, ...Array.from({ length: REPEATS }, () => ({}))],
      });
      rows.push({
        config: `chromium worker WASM ${res.threads}t${res.crossOriginIsolated ? ' (COI)' : ''}`,
        backend: res.backend,
        threads: res.threads,
        perSliceMs: res.runs[1].medianBatchMs,
        perSliceSamples: res.runs[1].batches,
        input: 'sample 112x96 slices',
        ...wholeOf(res.runs.slice(2) as unknown as InferenceTimings[]),
      });
    }
    // one 64x64 patch: WebGPU (if an adapter) and WASM N threads on the same input
    for (const backend of ['webgpu', 'wasm'] as const) {
      let res: HarnessResult;
      try {
        res = await run({
          manifestUrl: `${base}/data/ce-64.json`,
          volumeUrl: `${base}/data/small`,
          backend,
          runs: Array.from({ length: 11 }, () => ({ batchSize: 1 })),
        });
      } catch (e) {
        rows.push({
          config: `chromium worker ${backend} (64x64)`,
          backend,
          threads: 0,
          perSliceMs: null,
          perSliceSamples: 0,
          input: `unavailable: ${(e as Error).message.split('\n')[0]}`,
        });
        continue;
      }
      const times = res.runs.slice(1).map((r) => r.medianBatchMs);
      rows.push({
        config: `chromium worker ${res.backend} ${res.backend === 'webgpu' ? '' : `${res.threads}t `}(64x64)`,
        backend: res.backend,
        threads: res.threads,
        perSliceMs: median(times),
        perSliceSamples: times.length * res.runs[1].batches,
        input: 'one 64x64 patch, 2 slices',
      });
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const rows: Row[] = [];
for (const threads of [1, N]) {
  rows.push(nodeRow('native', threads));
  rows.push(nodeRow('wasm', threads));
}
rows.push(nodeRow('native', N, 'all'));
// memory at scale: the synthetic 18-class model on a 256^3 volume (27 tiles of 128^3), and the
// MeshNet-style conform model on the sample (256^3 conformed grid, cropped)
const SYNTHETIC = path.join(ROOT, 'tests/fixtures/inference/synthetic-18class.json');
for (const kind of ['native', 'wasm'] as const)
  rows.push(nodeRow(kind, N, undefined, SYNTHETIC, 'synthetic:256', '18 classes, 256^3', 1));
const MESHNET = path.join(MODELS, 'meshnet-colin27-conform.json');
for (const kind of ['native', 'wasm'] as const)
  rows.push(nodeRow(kind, N, undefined, MESHNET, SAMPLE, 'sample, conformed 256^3', 1));
rows.push(...(await browserRows()));

const f = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined ? '-' : x.toFixed(d);
console.log(
  `\nInference benchmark: unet2d-colin27-ce on samples/colin27 (N = ${N} threads, ${os.cpus()[0]?.model ?? 'cpu'})`,
);
console.log(
  'config'.padEnd(44),
  'per-slice ms'.padStart(12),
  'n'.padStart(4),
  'volume ms'.padStart(10),
  'pre'.padStart(7),
  'infer'.padStart(8),
  'post'.padStart(7),
  'pre+post'.padStart(9),
  'plan MiB'.padStart(9),
  'peak MiB'.padStart(9),
);
for (const r of rows) {
  console.log(
    r.config.padEnd(44),
    f(r.perSliceMs, 2).padStart(12),
    String(r.perSliceSamples).padStart(4),
    f(r.whole?.totalMs, 0).padStart(10),
    f(r.whole?.preprocessMs, 0).padStart(7),
    f(r.whole?.inferenceMs, 0).padStart(8),
    f(r.whole?.postprocessMs, 0).padStart(7),
    (r.prePostShare === undefined ? '-' : `${(r.prePostShare * 100).toFixed(1)}%`).padStart(9),
    f(r.plannedBytes === undefined ? undefined : r.plannedBytes / 1024 ** 2, 0).padStart(9),
    f(r.peakRssBytes === undefined ? undefined : r.peakRssBytes / 1024 ** 2, 0).padStart(9),
  );
}
const find = (prefix: string) => rows.find((r) => r.config.startsWith(prefix));
const ratios: Record<string, number | null> = {};
for (const t of [1, N]) {
  const browser = find(`chromium worker WASM ${t}t`);
  const native = find(`node onnxruntime-node ${t}t`);
  const nodeWasm = find(`node onnxruntime-web WASM ${t}t`);
  ratios[`chromiumWasm${t}t/native${t}t perSlice`] =
    browser?.perSliceMs && native?.perSliceMs ? browser.perSliceMs / native.perSliceMs : null;
  ratios[`nodeWasm${t}t/native${t}t perSlice`] =
    nodeWasm?.perSliceMs && native?.perSliceMs ? nodeWasm.perSliceMs / native.perSliceMs : null;
}
const gpu = rows.find((r) => r.backend === 'webgpu');
const wasm64 = rows.find((r) => r.config.includes('(64x64)') && r.backend === 'wasm');
ratios['webgpu/wasm 64x64 perSlice'] =
  gpu?.perSliceMs && wasm64?.perSliceMs ? gpu.perSliceMs / wasm64.perSliceMs : null;
console.log(
  "\npeak MiB: the case process's peak RSS (Node rows; runtime, engine and volume together); " +
    "plan MiB: the engine's memory plan (docs/manifest.md#memory). Browser rows: not measured.",
);
console.log(
  '\nratios (targets: browser WASM Nt within 3x of native Nt; pre+post <= 15% of the whole-volume time):',
);
for (const [k, v] of Object.entries(ratios))
  console.log(`  ${k}: ${v === null ? '-' : v.toFixed(2)}`);
mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
writeFileSync(
  path.join(ROOT, '.bench/inference.json'),
  JSON.stringify({ generatedAt: new Date().toISOString(), threadsN: N, rows, ratios }, null, 2),
);
console.log('\nwritten .bench/inference.json');
