/** The Metrics table's columns: every metric of DESIGN §3.2, with its definition for hover. */
import type { StructureMetrics } from '@concord/metrics';

export interface MetricColumn {
  key: string;
  label: string;
  definition: string;
  value: (s: StructureMetrics) => number | string | null | undefined;
  digits?: number;
}

export function metricColumns(tolerancesMm: number[], withSoft: boolean): MetricColumn[] {
  const cols: MetricColumn[] = [
    { key: 'label', label: '#', definition: 'Label value', value: (s) => s.label, digits: 0 },
    { key: 'name', label: 'Structure', definition: 'Structure name', value: (s) => s.name },
    {
      key: 'status',
      label: 'Status',
      definition:
        'ok; both-empty (excluded from means); reference-empty / prediction-empty (Dice 0, distances undefined)',
      value: (s) => s.status,
    },
    {
      key: 'dice',
      label: 'Dice',
      definition: 'Dice = 2TP / (2TP + FP + FN)',
      value: (s) => s.dice,
      digits: 4,
    },
    {
      key: 'jaccard',
      label: 'Jaccard',
      definition: 'Jaccard = TP / (TP + FP + FN)',
      value: (s) => s.jaccard,
      digits: 4,
    },
    {
      key: 'precision',
      label: 'Prec.',
      definition: 'Precision = TP / (TP + FP); empty when TP + FP = 0',
      value: (s) => s.precision,
      digits: 4,
    },
    {
      key: 'recall',
      label: 'Recall',
      definition: 'Recall (sensitivity) = TP / (TP + FN); empty when TP + FN = 0',
      value: (s) => s.recall,
      digits: 4,
    },
    {
      key: 'specificity',
      label: 'Spec.',
      definition: 'Specificity = TN / (TN + FP)',
      value: (s) => s.specificity,
      digits: 4,
    },
    {
      key: 'volumeRefMl',
      label: 'Vol ref',
      definition: 'Reference volume |A|·v / 1000 (mL)',
      value: (s) => s.volumeRefMl,
      digits: 2,
    },
    {
      key: 'volumePredMl',
      label: 'Vol pred',
      definition: 'Predicted volume |B|·v / 1000 (mL)',
      value: (s) => s.volumePredMl,
      digits: 2,
    },
    {
      key: 'volumeDiffMl',
      label: 'ΔVol',
      definition: 'Volume difference pred − ref (mL)',
      value: (s) => s.volumeDiffMl,
      digits: 2,
    },
    {
      key: 'volumeDiffPct',
      label: 'ΔVol %',
      definition: 'Volume difference 100·(pred − ref)/ref; empty when ref = 0',
      value: (s) => s.volumeDiffPct,
      digits: 1,
    },
    {
      key: 'hd',
      label: 'HD',
      definition:
        'Hausdorff distance (mm): max over both directions of the largest surface-to-surface distance; surface = mask minus its 6-connected erosion',
      value: (s) => s.hd,
      digits: 2,
    },
    {
      key: 'hd95',
      label: 'HD95',
      definition:
        'max of the two directed 95th percentiles of surface distances (mm, linear interpolation as numpy)',
      value: (s) => s.hd95,
      digits: 2,
    },
    {
      key: 'assd',
      label: 'ASSD',
      definition:
        'Average symmetric surface distance (mm): mean over both surfaces of the distance to the other surface',
      value: (s) => s.assd,
      digits: 2,
    },
    ...tolerancesMm.map((t): MetricColumn => ({
      key: `nsd@${t}`,
      label: `NSD@${t}`,
      definition: `Normalised surface Dice at τ = ${t} mm: fraction of both surfaces within ${t} mm of the other`,
      value: (s) => s.nsd[String(t)],
      digits: 4,
    })),
    {
      key: 'tp',
      label: 'TP',
      definition: 'True positive voxels |A∩B|',
      value: (s) => s.tp,
      digits: 0,
    },
    {
      key: 'fp',
      label: 'FP',
      definition: 'False positive voxels |B\\A|',
      value: (s) => s.fp,
      digits: 0,
    },
    {
      key: 'fn',
      label: 'FN',
      definition: 'False negative voxels |A\\B|',
      value: (s) => s.fn,
      digits: 0,
    },
  ];
  if (withSoft) {
    cols.push(
      {
        key: 'softDice',
        label: 'soft Dice',
        definition: 'Soft Dice = 2Σp·[A] / (Σp + |A|) from the model probabilities',
        value: (s) => s.softDice,
        digits: 4,
      },
      {
        key: 'volumeSoftMl',
        label: 'Vol soft',
        definition: 'Expected volume Σp·v / 1000 (mL)',
        value: (s) => s.volumeSoftMl,
        digits: 2,
      },
    );
  }
  return cols;
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
