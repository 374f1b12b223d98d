/**
 * Minimal page for the inference e2e test: loads a model with the real inference worker
 * (createInferenceClient) and runs it on a volume served next to the page.
 */
import { createInferenceClient, fetchModel } from '@concord/inference/worker';
import { webGpuAdapterKind } from '@concord/inference/web';
import type { Direction, Vec3 } from '@concord/core';

export interface HarnessRequest {
  manifestUrl: string;
  /** `<url>.json` holds the grid, `<url>.f32` the voxels (Float32, little endian). */
  volumeUrl: string;
  backend: 'auto' | 'webgpu' | 'wasm';
  threads?: number;
  /** Runs on the same loaded model (default one run, default batch size). */
  runs?: { batchSize?: number }[];
  /** First start a run and cancel it after this many inference progress events. */
  cancelAfter?: number;
}

export interface HarnessResult {
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
  hasGpu: boolean;
  /** What navigator.gpu.requestAdapter() gave on the page. */
  adapter: 'hardware' | 'fallback' | null;
  labelsBase64: string;
  /** Timings of the last run. */
  timings: Record<string, number>;
  /** Timings of every run, in order. */
  runs: Record<string, number>[];
  progressEvents: number;
  /** With cancelAfter: the error the cancelled run ended with, and whether load was needed again. */
  cancelled?: { name: string; message: string; progressSeen: number; reloaded: boolean };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function run(req: HarnessRequest): Promise<HarnessResult> {
  const model = await fetchModel(req.manifestUrl);
  const grid = (await (await fetch(`${req.volumeUrl}.json`)).json()) as {
    dims: Vec3;
    spacing: Vec3;
    origin: Vec3;
    direction: Direction;
  };
  const data = new Float32Array(await (await fetch(`${req.volumeUrl}.f32`)).arrayBuffer());
  const client = createInferenceClient();
  try {
    await client.load(model, { backend: req.backend, threads: req.threads });
    let cancelled: HarnessResult['cancelled'];
    if (req.cancelAfter !== undefined) {
      const ctrl = new AbortController();
      let seen = 0;
      try {
        await client.run(
          { ...grid, data },
          {
            signal: ctrl.signal,
            batchSize: req.runs?.[0]?.batchSize,
            onProgress: (p) => {
              if (p.stage === 'inference' && ++seen >= req.cancelAfter!) ctrl.abort();
            },
          },
        );
      } catch (e) {
        cancelled = {
          name: (e as Error).name,
          message: (e as Error).message,
          progressSeen: seen,
          reloaded: false,
        };
      }
      // the cancelled run freed the session: running again needs a new load
      try {
        await client.run({ ...grid, data });
      } catch {
        await client.load(model, { backend: req.backend, threads: req.threads });
        if (cancelled) cancelled.reloaded = true;
      }
    }
    let progressEvents = 0;
    const runs: Record<string, number>[] = [];
    let result!: Awaited<ReturnType<typeof client.run>>;
    for (const r of req.runs ?? [{}]) {
      result = await client.run(
        { ...grid, data },
        { batchSize: r.batchSize, onProgress: () => progressEvents++ },
      );
      runs.push({ ...result.timings, batches: result.batches, tiles: result.tiles });
    }
    return {
      runs,
      backend: result.backend,
      threads: result.threads,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      hasGpu: 'gpu' in navigator,
      adapter: await webGpuAdapterKind(),
      labelsBase64: toBase64(new Uint8Array(result.labels.data.buffer)),
      timings: { ...result.timings },
      progressEvents,
      cancelled,
    };
  } finally {
    await client.dispose();
  }
}

(globalThis as unknown as { runHarness: typeof run }).runHarness = run;
document.getElementById('status')!.textContent = 'ready';
