/** FP and FN voxel counts per slice along one axis of the volume. */
export interface SliceProfile {
  axis: 0 | 1 | 2;
  fp: ArrayLike<number>;
  fn: ArrayLike<number>;
}

/** Slice indices ordered from most to least disagreement (FP + FN); slices without any are left out. */
export function rankWorstSlices(profile: SliceProfile, limit = Infinity): number[] {
  const n = profile.fp.length;
  const idx: number[] = [];
  for (let s = 0; s < n; s++) if (profile.fp[s] + profile.fn[s] > 0) idx.push(s);
  // ties broken by slice index so the order is stable and predictable
  idx.sort((a, b) => profile.fp[b] + profile.fn[b] - (profile.fp[a] + profile.fn[a]) || a - b);
  return idx.slice(0, limit);
}

/**
 * The next (direction 1) or previous (-1) slice in worst-first order, starting from the current
 * slice. From a slice that has no disagreement, "next" goes to the worst slice and "previous" to
 * the least bad one. Returns null when the profile has no disagreement at all.
 */
export function stepWorstSlice(
  ranking: readonly number[],
  currentSlice: number,
  direction: 1 | -1,
): number | null {
  if (ranking.length === 0) return null;
  const at = ranking.indexOf(currentSlice);
  if (at < 0) return direction === 1 ? ranking[0] : ranking[ranking.length - 1];
  const next = (at + direction + ranking.length) % ranking.length;
  return ranking[next];
}
