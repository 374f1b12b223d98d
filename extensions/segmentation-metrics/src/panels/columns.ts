/**
 * The Metrics table's columns: every metric of docs/metrics.md, with its heading, precision and
 * definition (for hover) from the METRICS registry of @concord/metrics.
 */
import { metricSpec, nsdColumnSpec, type MetricKey, type StructureMetrics } from '@concord/metrics';

export interface MetricColumn {
  key: string;
  label: string;
  definition: string;
  value: (s: StructureMetrics) => number | string | null | undefined;
  digits?: number;
}

/** The table's fields in column order; `nsd` expands to one column per tolerance. */
const TABLE: readonly MetricKey[] = [
  'label',
  'name',
  'status',
  'dice',
  'jaccard',
  'precision',
  'recall',
  'specificity',
  'volumeRefMl',
  'volumePredMl',
  'volumeDiffMl',
  'volumeDiffPct',
  'volumeSimilarity',
  'hd',
  'hd95',
  'assd',
  'centroidOffsetMm',
  'nsd',
  'tp',
  'fp',
  'fn',
];

/** Columns shown when the model's probabilities were available. */
const SOFT: readonly MetricKey[] = ['softDice', 'volumeSoftMl'];

function column(key: Exclude<MetricKey, 'nsd'>): MetricColumn {
  const m = metricSpec(key);
  return {
    key,
    label: m.label,
    definition: m.definition,
    value: (s) => s[key],
    ...(m.digits === null ? {} : { digits: m.digits }),
  };
}

/**
 * The columns the panel shows by default (it is a few hundred pixels wide): which structure,
 * overlap, boundary distance, the first NSD tolerance and the volume difference. "All metrics"
 * shows the others; every cell stays in the table either way.
 */
export function isKeyColumn(key: string, tolerancesMm: readonly number[]): boolean {
  const firstNsd = tolerancesMm.length ? nsdColumnSpec(tolerancesMm[0]).key : null;
  return (
    ['label', 'name', 'status', 'dice', 'hd95', 'volumeDiffPct'].includes(key) || key === firstNsd
  );
}

export function metricColumns(tolerancesMm: number[], withSoft: boolean): MetricColumn[] {
  return [...TABLE, ...(withSoft ? SOFT : [])].flatMap((key) =>
    key === 'nsd'
      ? tolerancesMm.map((t): MetricColumn => ({
          ...nsdColumnSpec(t),
          value: (s) => s.nsd[String(t)],
          digits: metricSpec('nsd').digits!,
        }))
      : [column(key)],
  );
}

export function formatValue(v: number | string | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return v.toFixed(digits);
}

/** Sort comparator: numbers ascending, nulls last, strings alphabetically. */
export function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
