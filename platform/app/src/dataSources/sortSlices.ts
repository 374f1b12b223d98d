/** Orders slices by ImagePositionPatient projected on the slice normal (DESIGN §3.1). */
export interface SliceEntry<T> {
  item: T;
  position?: number[];
  orientation?: number[];
  instanceNumber?: number;
}

export function sortByPosition<T>(entries: SliceEntry<T>[]): T[] {
  const ref = entries.find((e) => e.orientation?.length === 6 && e.position?.length === 3);
  if (!ref || entries.some((e) => e.position?.length !== 3)) {
    // No geometry (e.g. a single 2D image): keep the source order, then InstanceNumber.
    return [...entries]
      .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))
      .map((e) => e.item);
  }
  const [r0, r1, r2, c0, c1, c2] = ref.orientation as number[];
  const n = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
  const dist = (e: SliceEntry<T>) => {
    const p = e.position as number[];
    return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
  };
  return [...entries].sort((a, b) => dist(a) - dist(b)).map((e) => e.item);
}
