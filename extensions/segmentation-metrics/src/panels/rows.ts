/**
 * Which structures the Metrics table shows, and in what order, so that it stays usable with a
 * hundred structures or more (TotalSegmentator, AAL): a filter on name or number, "only the
 * worst N" by Dice (structures without a Dice, e.g. both empty, are never among the worst),
 * and the sort of the clicked column.
 */
import { matchesStructureQuery } from '@concord/core';
import type { StructureMetrics } from '@concord/metrics';
import { compareValues, type MetricColumn } from './columns.ts';

export interface RowView {
  /** Case-insensitive part of the name, or a structure number. */
  query: string;
  sort: { key: string; desc: boolean };
  /** Show only the N structures of lowest Dice (null: all). */
  worst: number | null;
}

export function selectRows(
  structures: readonly StructureMetrics[],
  columns: readonly MetricColumn[],
  view: RowView,
): StructureMetrics[] {
  let rows = structures.filter((s) => matchesStructureQuery(s, view.query));
  if (view.worst !== null) {
    rows = rows
      .filter((s) => typeof s.dice === 'number' && !Number.isNaN(s.dice))
      .sort((a, b) => (a.dice as number) - (b.dice as number) || a.label - b.label)
      .slice(0, view.worst);
  }
  const col = columns.find((c) => c.key === view.sort.key) ?? columns[0];
  const sorted = [...rows].sort(
    (a, b) => compareValues(col.value(a), col.value(b)) || a.label - b.label,
  );
  return view.sort.desc ? sorted.reverse() : sorted;
}
