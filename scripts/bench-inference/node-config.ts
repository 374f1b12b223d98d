/**
 * One Node runtime configuration of the inference benchmark, in its own process (ORT-web's
 * thread count is fixed per process). Prints one JSON line.
 *   tsx scripts/bench-inference/node-config.ts <wasm|native> <threads> <manifest> <volume.nii.gz> <repeats>
 */
import { readFileSync } from 'node:fs';
import { readNifti } from '@concord/core';
import { runInference, type InferenceTimings } from '@concord/inference';
import { createNodeBackend, loadModelFromFile } from '@concord/inference/node';

const [kind, threadsArg, manifestPath, volumePath, repeatsArg, levelArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const repeats = Number(repeatsArg ?? 3);
const model = await loadModelFromFile(manifestPath);
const volume = readNifti(new Uint8Array(readFileSync(volumePath)));
const backend = await createNodeBackend(kind as 'wasm' | 'native', model, {
  threads,
  graphOptimizationLevel: (levelArg as 'all' | 'extended' | undefined) ?? undefined,
});
// warm-up, then one run of single-slice batches: its median backend.run time is the per-slice latency
await runInference(volume, model.manifest, { backend });
const single = await runInference(volume, model.manifest, { backend, batchSize: 1 });
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
  }) + '\n',
);
