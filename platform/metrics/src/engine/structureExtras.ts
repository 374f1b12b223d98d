/**
 * Per-structure fields that need more than the joint counts: the centroid offset (from the
 * layers' moments) and, for structures marked as instances, the lesion-wise evaluation
 * (docs/metrics.md). Shared by computeMetrics, computeOverlap and the Node parallel engine.
 */
import type { Grid } from '@concord/core';
import { evaluateLesions, validInstanceOptions, type InstanceOptions } from './lesions.ts';
import type { PlannedStructure } from './plan.ts';
import { centroidIndex, centroidOffsetMm, type MomentsCache } from './shape.ts';
import type { IndexBox, StructureMetrics } from './types.ts';

/** Sets `centroidOffsetMm` of a structure (null unless both masks are non-empty). */
export function applyCentroidOffset(
  m: StructureMetrics,
  s: PlannedStructure,
  grid: Grid,
  moments: MomentsCache,
): void {
  if (s.counts.ref === 0 || s.counts.pred === 0) return;
  m.centroidOffsetMm = centroidOffsetMm(
    grid,
    centroidIndex(moments.of(s.ref), s.label),
    centroidIndex(moments.of(s.pred), s.label),
  );
}

/** Adds `lesions` to a structure listed in `instances.labels`. */
export function applyLesions(
  m: StructureMetrics,
  s: PlannedStructure,
  grid: Grid,
  instances: InstanceOptions | undefined,
): void {
  if (!instances || !instances.labels.includes(s.label)) return;
  const o = validInstanceOptions(instances);
  const any = s.counts.ref + s.counts.pred > 0;
  // the plan has boxes only when asked for them (computeMetrics); else the whole grid
  const whole: IndexBox = {
    min: [0, 0, 0],
    max: [grid.dims[0] - 1, grid.dims[1] - 1, grid.dims[2] - 1],
  };
  m.lesions = evaluateLesions(s.ref, s.pred, s.label, grid, any ? (s.box ?? whole) : null, o);
}

/** One line per instance label that is not among the evaluated structures. */
export function instanceWarnings(
  instances: InstanceOptions | undefined,
  structures: readonly StructureMetrics[],
): string[] {
  if (!instances) return [];
  validInstanceOptions(instances);
  const evaluated = new Set(structures.map((s) => s.label));
  return [...new Set(instances.labels)]
    .filter((l) => !evaluated.has(l))
    .map((l) => `instance label ${l} is not an evaluated structure: no lesion-wise evaluation`);
}
