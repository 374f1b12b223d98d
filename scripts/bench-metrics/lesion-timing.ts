/**
 * Timings of the lesion-wise passes on a generated 256³ case (no files): 400 random spherical
 * lesions of radius 2-7 voxels in the reference, the prediction with each lesion shifted by up
 * to 2 voxels, a fifth dropped and 80 false ones. Connected components (26 and 6), the whole
 * lesion evaluation, and the label-moment pass of the centroid offset. Best of N. One JSON line.
 *
 *   npx tsx --conditions=source scripts/bench-metrics/lesion-timing.ts [runs]
 */
import { IDENTITY_DIRECTION, type LabelVolume } from '@concord/core';
import {
  computeOverlap,
  connectedComponents,
  evaluateLesions,
  labelMoments,
} from '@concord/metrics';

const runs = Number(process.argv[2] ?? 3);
const n = 256;
const dims: [number, number, number] = [n, n, n];
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const ref = new Uint8Array(n ** 3);
const pred = new Uint8Array(n ** 3);
const ball = (a: Uint8Array, c: number[], r: number) => {
  for (let k = Math.max(0, c[2] - r); k <= Math.min(n - 1, c[2] + r); k++)
    for (let j = Math.max(0, c[1] - r); j <= Math.min(n - 1, c[1] + r); j++)
      for (let i = Math.max(0, c[0] - r); i <= Math.min(n - 1, c[0] + r); i++)
        if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r)
          a[i + n * (j + n * k)] = 1;
};
for (let l = 0; l < 480; l++) {
  const c = [0, 1, 2].map(() => 8 + Math.floor(rand() * (n - 16)));
  const r = 2 + Math.floor(rand() * 6);
  if (l < 400) ball(ref, c, r);
  if (l >= 400 || rand() > 0.2)
    ball(
      pred,
      c.map((x) => x + Math.floor(rand() * 5) - 2),
      r,
    );
}
const grid = {
  dims,
  spacing: [1, 1, 1] as [number, number, number],
  origin: [0, 0, 0] as [number, number, number],
  direction: [...IDENTITY_DIRECTION] as LabelVolume['direction'],
};
const whole = {
  min: [0, 0, 0] as [number, number, number],
  max: [n - 1, n - 1, n - 1] as [number, number, number],
};

function best(f: () => unknown, k: number): number {
  let t = Infinity;
  for (let i = 0; i < k; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}
const c26 = connectedComponents(ref, dims, 1, whole, 26);
const lesions = evaluateLesions(ref, pred, 1, grid, whole, {
  connectivity: 26,
  match: 'iou',
  iouThreshold: 0.5,
});
const out = {
  voxels: n ** 3,
  referenceLesions: c26.n,
  tp: lesions.tp,
  fp: lesions.fp,
  fn: lesions.fn,
  components26Ms: best(() => connectedComponents(ref, dims, 1, whole, 26), runs),
  components6Ms: best(() => connectedComponents(ref, dims, 1, whole, 6), runs),
  evaluateLesionsMs: best(
    () =>
      evaluateLesions(ref, pred, 1, grid, whole, {
        connectivity: 26,
        match: 'iou',
        iouThreshold: 0.5,
      }),
    runs,
  ),
  labelMomentsMs: best(() => labelMoments(ref, dims), runs),
  overlapMs: best(() => computeOverlap({ ...grid, data: ref }, { ...grid, data: pred }), runs),
};
process.stdout.write(JSON.stringify(out) + '\n');
