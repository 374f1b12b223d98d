/**
 * The structure filter of the viewer's lists (Overlays, Metrics): with a hundred structures or
 * more (AAL: 116, TotalSegmentator: 104), a list is found by typing part of a name or a number.
 */

/** Whether a structure matches the filter text: part of its name (any case), or its number. */
export function matchesStructureQuery(s: { label: number; name: string }, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return s.name.toLowerCase().includes(q) || String(s.label) === q;
}

/** How a structure list is ordered: by number, by name, or largest first. */
export type StructureOrder = 'label' | 'name' | 'size';

/**
 * The structures of a list that match `query`, in `order` (`size`: most voxels first, by
 * `counts`; ties by number).
 */
export function filterStructures<S extends { label: number; name: string }>(
  structures: readonly S[],
  query: string,
  order: StructureOrder = 'label',
  counts: Readonly<Record<number, number>> = {},
): S[] {
  const out = structures.filter((s) => matchesStructureQuery(s, query));
  const byLabel = (a: S, b: S) => a.label - b.label;
  if (order === 'name') return out.sort((a, b) => a.name.localeCompare(b.name) || byLabel(a, b));
  if (order === 'size')
    return out.sort((a, b) => (counts[b.label] ?? 0) - (counts[a.label] ?? 0) || byLabel(a, b));
  return out.sort(byLabel);
}
