/** What the volumetric-bias view needs from one structure of a concord.report/v1 report. */
export interface StructureVolumes {
  label: number;
  name: string;
  volumeRefMl: number;
  volumePredMl: number;
  volumeSoftMl?: number | null;
}

export interface VolumeBiasRow {
  label: number;
  name: string;
  model: string;
  referenceMl: number;
  hardMl: number;
  softMl: number | null;
  hardDiffMl: number;
  hardDiffPct: number | null;
  softDiffMl: number | null;
  softDiffPct: number | null;
}

const pct = (diff: number, ref: number): number | null => (ref > 0 ? (100 * diff) / ref : null);

/**
 * Per structure and model: reference volume, hard (argmax) volume, soft (probability-weighted,
 * expected) volume and their differences from the reference. Models are compared side by side
 * (e.g. a cross-entropy and a soft-Dice model): soft-Dice training is known to bias volumes.
 */
export function volumetricBias(
  models: Array<{ model: string; structures: readonly StructureVolumes[] }>,
): VolumeBiasRow[] {
  const rows: VolumeBiasRow[] = [];
  for (const { model, structures } of models) {
    for (const s of structures) {
      const hardDiff = s.volumePredMl - s.volumeRefMl;
      const soft = s.volumeSoftMl ?? null;
      const softDiff = soft === null ? null : soft - s.volumeRefMl;
      rows.push({
        label: s.label,
        name: s.name,
        model,
        referenceMl: s.volumeRefMl,
        hardMl: s.volumePredMl,
        softMl: soft,
        hardDiffMl: hardDiff,
        hardDiffPct: pct(hardDiff, s.volumeRefMl),
        softDiffMl: softDiff,
        softDiffPct: softDiff === null ? null : pct(softDiff, s.volumeRefMl),
      });
    }
  }
  return rows.sort((a, b) => a.label - b.label || a.model.localeCompare(b.model));
}

/** Structures a volumetric-bias chart shows at most (a bar group per structure). */
export const BIAS_CHART_STRUCTURES = 20;

/**
 * The rows of the `max` structures with the largest hard-volume difference (|Δ mL|, largest
 * over the models), in the rows' order; all rows when there are no more structures than that.
 * A chart of 116 bar groups is unreadable in a side panel and took 150 ms to draw.
 */
export function largestBiasRows(
  rows: readonly VolumeBiasRow[],
  max = BIAS_CHART_STRUCTURES,
): VolumeBiasRow[] {
  const worst = new Map<number, number>();
  for (const r of rows)
    worst.set(r.label, Math.max(worst.get(r.label) ?? 0, Math.abs(r.hardDiffMl)));
  if (worst.size <= max) return [...rows];
  const kept = new Set(
    [...worst]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, max)
      .map(([label]) => label),
  );
  return rows.filter((r) => kept.has(r.label));
}

/** One sentence of help for the panel. */
export const HARD_VS_SOFT_HELP =
  'Hard volume counts the voxels where the model’s most likely class is the structure; soft volume adds up the model’s probability for the structure over all voxels (its expected volume), so a model whose probabilities are over- or under-confident shows a gap between the two.';
