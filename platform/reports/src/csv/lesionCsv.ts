/**
 * Lesion-wise results as CSV (docs/report.md#csv): the per-structure detection summary as
 * `lesions.<field>` columns of the report CSV, and the lesion table (one row per matched pair,
 * missed and false lesion) as a second CSV file.
 */
import type { EvaluationReport, StructureLesions } from '@concord/metrics';
import type { PrivacyOptions } from '../report/types.ts';

/** The summary fields of a structure's `lesions`, as report-CSV columns `lesions.<field>`. */
export const LESION_SUMMARY_FIELDS = [
  'connectivity',
  'match',
  'iouThreshold',
  'referenceLesions',
  'predictionLesions',
  'tp',
  'fp',
  'fn',
  'precision',
  'recall',
  'f1',
  'sq',
  'rq',
  'pq',
] as const satisfies readonly (keyof StructureLesions)[];

export const lesionColumn = (field: string): string => `lesions.${field}`;

/** The value of a `lesions.<field>` column of a structure row (undefined: not an instance structure). */
export function lesionSummaryValue(
  lesions: StructureLesions | undefined,
  column: string,
): string | number | null | undefined {
  if (!lesions) return undefined;
  return lesions[column.slice('lesions.'.length) as (typeof LESION_SUMMARY_FIELDS)[number]];
}

/** Columns of the lesion table. */
export const LESION_TABLE_COLUMNS = [
  'label',
  'name',
  'kind',
  'reference',
  'prediction',
  'referenceVoxels',
  'predictionVoxels',
  'referenceMl',
  'predictionMl',
  'iou',
  'dice',
  'bestIou',
  'centroidI',
  'centroidJ',
  'centroidK',
  'centroidX',
  'centroidY',
  'centroidZ',
  'slice',
] as const;

type Cell = string | number | null | undefined;

/**
 * The lesion table of a report (RFC 4180, CRLF), one row per lesion row of every instance
 * structure in report order; null when no structure was evaluated lesion-wise. Centroids are
 * voxel indices (I, J, K) and patient coordinates (X, Y, Z: LPS, mm); `slice` is 0-based.
 */
export function writeLesionCsv(
  report: EvaluationReport,
  field: (v: Cell) => string,
  options: PrivacyOptions & { bom?: boolean } = {},
): string | null {
  const structures = report.structures.filter((s) => s.lesions);
  if (structures.length === 0) return null;
  const rows: Cell[][] = [];
  for (const s of structures) {
    for (const r of s.lesions!.lesions) {
      rows.push([
        s.label,
        s.name,
        r.kind,
        r.reference,
        r.prediction,
        r.referenceVoxels,
        r.predictionVoxels,
        r.referenceMl,
        r.predictionMl,
        r.iou,
        r.dice,
        r.bestIou,
        ...r.centroidIndex,
        ...r.centroidMm,
        r.slice,
      ]);
    }
  }
  // the lesion table has no patient columns; `includePhi` is accepted for symmetry only
  void options.includePhi;
  const lines = [[...LESION_TABLE_COLUMNS], ...rows].map((r) => r.map(field).join(','));
  return (options.bom ? '\ufeff' : '') + lines.join('\r\n') + '\r\n';
}
