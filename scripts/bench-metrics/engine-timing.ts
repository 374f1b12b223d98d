/**
 * In-process timings on one benchmark case (inputs already decoded, so only the passes are
 * timed): the bare summing pass over both arrays (the memory-bandwidth floor), our overlap-only
 * metrics and our full metrics. Best of N runs each. Prints one JSON line.
 *
 *   npx tsx scripts/bench-metrics/engine-timing.ts .bench/metrics/atlas256 [runs]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readNiftiLabels } from '@concord/core';
import { computeMetrics, computeOverlap } from '@concord/metrics';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const read = (name: string) => {
  const b = readFileSync(path.join(dir, name));
  return readNiftiLabels(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
};
const ref = read('reference.nii');
const pred = read('prediction.nii');

/** Sums both label arrays: one read of every byte, nothing else. */
function bareSum(a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] + b[i];
  return s;
}

function best(f: () => unknown, n: number): number {
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

const bareMs = best(() => bareSum(ref.data, pred.data), runs);
const overlapMs = best(() => computeOverlap(ref, pred), runs);
const fullMs = best(() => computeMetrics(ref, pred), Math.min(runs, 2));
process.stdout.write(JSON.stringify({ voxels: ref.data.length, bareMs, overlapMs, fullMs }) + '\n');
