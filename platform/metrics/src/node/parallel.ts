/**
 * computeMetrics on several threads (Node worker_threads): the surface-distance search of each
 * structure splits its planes between this thread and the pool's workers, over shared flags and
 * k-line counts, so memory stays one box (3 bytes per voxel) as in the single-threaded engine.
 * Same numbers as computeMetrics (up to the summation order of ASSD).
 */
import { availableParallelism } from 'node:os';
import { voxelCount, voxelVolumeMm3, type LabelVolume } from '@concord/core';
import { edtBuffers, edtCounts, ringDistances, type EdtBuffers } from '../engine/edt.ts';
import {
  applyProbabilities,
  applySurfaceDistances,
  assertComparable,
  computeMetrics,
  overlapMetrics,
  pairProbabilities,
  resultFrame,
  validTolerances,
} from '../engine/metrics.ts';
import { planEvaluation } from '../engine/plan.ts';
import { probabilisticPass } from '../engine/probabilistic.ts';
import {
  boxView,
  fillMasks,
  markSurfaces,
  SURF_PRED,
  SURF_REF,
  type BoxView,
} from '../engine/surface.ts';
import type { MetricsOptions, MetricsResult, ProbabilityVolumes } from '../engine/types.ts';
import { MomentsCache } from '../engine/shape.ts';
import { applyCentroidOffset, applyLesions, instanceWarnings } from '../engine/structureExtras.ts';
import { EdtPool } from './pool.ts';

export interface ParallelOptions {
  /** Threads in all, this one included (default: available cores, at most 4). */
  threads?: number;
}

/** Shared box buffers, grown to the largest box. */
class SharedWorkspace {
  flagsBuf = new SharedArrayBuffer(0);
  countsBuf = new SharedArrayBuffer(0);
  flags: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  local: EdtBuffers = edtBuffers(0, 0, 1);

  ensure(bv: BoxView): void {
    if (this.flags.length < bv.voxels) {
      this.flagsBuf = new SharedArrayBuffer(bv.voxels);
      this.countsBuf = new SharedArrayBuffer(bv.voxels * 2);
      this.flags = new Uint8Array(this.flagsBuf);
    }
    const nxy = bv.dims[0] * bv.dims[1];
    const line = Math.max(...bv.dims);
    if (this.local.plane.length < nxy || this.local.scratch.f.length < line) {
      this.local = edtBuffers(0, Math.max(nxy, this.local.plane.length), line);
    }
  }
}

/** d(x, surface featureBit) for voxels with queryBit, planes split across threads. */
async function directed(
  bv: BoxView,
  spacing: [number, number, number],
  ws: SharedWorkspace,
  pool: EdtPool,
  featureBit: number,
  queryBit: number,
): Promise<Float64Array> {
  const { flags } = ws;
  const counts = new Uint16Array(ws.countsBuf, 0, bv.voxels);
  edtCounts(flags, featureBit, bv.dims, counts);
  const [nx, ny, nz] = bv.dims;
  const nxy = nx * ny;
  // split the planes so that every thread gets about the same number of planes with queries
  const perPlane = new Int32Array(nz);
  let total = 0;
  let busyPlanes = 0;
  for (let k = 0; k < nz; k++) {
    let c = 0;
    for (let o = k * nxy, end = o + nxy; o < end; o++) if (flags[o] & queryBit) c++;
    perPlane[k] = c;
    total += c;
    if (c) busyPlanes++;
  }
  const parts = pool.size + 1;
  const ranges: { k0: number; k1: number; queries: number }[] = [];
  for (let p = 0, k = 0, seen = 0; p < parts; p++) {
    const want = p === parts - 1 ? Infinity : Math.ceil(((p + 1) * busyPlanes) / parts);
    const k0 = k;
    let queries = 0;
    while (k < nz && seen < want) {
      if (perPlane[k]) seen++;
      queries += perPlane[k];
      k++;
    }
    ranges.push({ k0, k1: k, queries });
  }
  const jobs = ranges.slice(1).map((r, i) =>
    r.queries === 0
      ? Promise.resolve(new Float64Array(0))
      : pool.run(i, {
          flags: ws.flagsBuf,
          counts: ws.countsBuf,
          dims: bv.dims,
          spacing,
          queryBit,
          k0: r.k0,
          k1: r.k1,
          queries: r.queries,
        }),
  );
  const mine = new Float64Array(ranges[0].queries);
  ringDistances(
    flags,
    queryBit,
    bv.dims,
    spacing,
    { ...ws.local, counts },
    mine,
    ranges[0].k0,
    ranges[0].k1,
  );
  const rest = await Promise.all(jobs);
  const out = new Float64Array(total);
  out.set(mine, 0);
  let at = mine.length;
  for (const d of rest) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/**
 * computeMetrics with the surface pass spread over `threads` threads. Falls back to the
 * single-threaded engine for one thread or when disagreement products are requested.
 */
export async function computeMetricsParallel(
  reference: LabelVolume,
  prediction: LabelVolume,
  options: MetricsOptions = {},
  parallel: ParallelOptions = {},
): Promise<MetricsResult> {
  const threads = Math.max(1, Math.floor(parallel.threads ?? Math.min(4, availableParallelism())));
  if (threads === 1 || options.disagreement) return computeMetrics(reference, prediction, options);
  assertComparable(reference, prediction);
  const tolerancesMm = validTolerances(options.tolerancesMm);
  const plan = planEvaluation(reference, prediction, options, true);
  const total = voxelCount(reference);
  const v = voxelVolumeMm3(reference);
  const pool = new EdtPool(threads - 1);
  const ws = new SharedWorkspace();
  const moments = new MomentsCache(reference.dims);
  try {
    const structures = [];
    for (const s of plan.structures) {
      const m = overlapMetrics(s.label, s.name, s.counts, total, v, tolerancesMm);
      applyCentroidOffset(m, s, reference, moments);
      applyLesions(m, s, reference, options.instances);
      if (m.status === 'ok' && s.box) {
        const bv = boxView(s.box);
        ws.ensure(bv);
        fillMasks(s.ref, s.pred, reference.dims, s.label, bv, ws.flags);
        markSurfaces(bv, ws.flags);
        const spacing = [...reference.spacing] as [number, number, number];
        const refToPred = await directed(bv, spacing, ws, pool, SURF_PRED, SURF_REF);
        const predToRef = await directed(bv, spacing, ws, pool, SURF_REF, SURF_PRED);
        applySurfaceDistances(m, refToPred, predToRef, tolerancesMm);
      }
      const p = pairProbabilities(options.probabilities as ProbabilityVolumes | undefined, s);
      if (p) applyProbabilities(m, p, s.ref, v);
      structures.push(m);
    }
    const probabilistic = options.probabilities
      ? probabilisticPass(
          plan.structures,
          structures,
          options.probabilities,
          reference.dims,
          reference.spacing,
          options.probabilistic,
        )
      : undefined;
    const frame = resultFrame(reference, plan, tolerancesMm, structures);
    frame.warnings = [...frame.warnings, ...instanceWarnings(options.instances, structures)];
    return { ...frame, ...(probabilistic ? { probabilistic } : {}) };
  } finally {
    await pool.close();
  }
}
