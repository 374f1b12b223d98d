/**
 * One Node runtime configuration of the inference benchmark, in its own process (ORT-web's
 * thread count is fixed per process, and the process's peak RSS is the case's peak memory).
 * Prints one JSON line.
 *   tsx scripts/bench-inference/node-config.ts <wasm|native> <threads> <manifest> <volume.nii.gz | synthetic:N> <repeats>
 * `synthetic:N` is an N^3 1 mm RAS volume with a ramp 0..1 (the 18-class memory case).
 */
import { readFileSync } from 'node:fs';
import { readNifti, type Direction, type Volume } from '@concord/core';
import { runInference, type InferenceTimings } from '@concord/inference';
import { createNodeBackend, loadModelFromFile } from '@concord/inference/node';

const [kind, threadsArg, manifestPath, volumePath, repeatsArg, levelArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const repeats = Number(repeatsArg ?? 3);
const model = await loadModelFromFile(manifestPath);
function syntheticVolume(n: number): Volume {
  const data = new Float32Array(n ** 3);
  for (let i = 0; i < data.length; i++) data[i] = (i % n) / (n - 1);
  return {
    dims: [n, n, n],
    spacing: [1, 1, 1],
    origin: [0, 0, 0],
    direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] as Direction,
    data,
  };
}
const volume = volumePath.startsWith('synthetic:')
  ? syntheticVolume(Number(volumePath.slice('synthetic:'.length)))
  : readNifti(new Uint8Array(readFileSync(volumePath)));
const backend = await createNodeBackend(kind as 'wasm' | 'native', model, {
  threads,
  graphOptimizationLevel: (levelArg as 'all' | 'extended' | undefined) ?? undefined,
});
// warm-up, then one run of single-slice batches: its median backend.run time is the per-slice latency
const first = await runInference(volume, model.manifest, { backend });
const single =
  model.manifest.dimensionality === '2d'
    ? await runInference(volume, model.manifest, { backend, batchSize: 1 })
    : first;
const runs: InferenceTimings[] = [];
for (let r = 0; r < repeats; r++)
  runs.push((await runInference(volume, model.manifest, { backend })).timings);
await backend.release();
process.stdout.write(
  JSON.stringify({
    backend: backend.name,
    threads: backend.threads,
    perSliceMs: single.timings.medianBatchMs,
    perSliceSamples: single.batches,
    runs,
    plannedBytes: first.memory.estimatedBytes,
    precision: first.memory.precision,
    // peak resident memory of this process (KiB -> bytes): runtime, engine and the volume
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
