/** One cell of the structure-by-structure confusion matrix. */
export interface ConfusionCell {
  referenceLabel: number;
  predictedLabel: number;
  voxels: number;
  volumeMl: number;
}

/**
 * Converts a label-by-label voxel count matrix (rows = reference label, columns = predicted
 * label, both indexed by position in `labels`) into mL, dropping empty cells.
 * Off-diagonal cells say which structure the model mistook for which.
 */
export function confusionMatrixMl(
  counts: ArrayLike<number>,
  labels: readonly number[],
  voxelVolumeMm3: number,
): ConfusionCell[] {
  const n = labels.length;
  if (counts.length !== n * n)
    throw new Error(`confusion counts hold ${counts.length} cells, expected ${n}x${n}`);
  const cells: ConfusionCell[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = counts[r * n + c];
      if (v > 0)
        cells.push({
          referenceLabel: labels[r],
          predictedLabel: labels[c],
          voxels: v,
          volumeMl: (v * voxelVolumeMm3) / 1000,
        });
    }
  }
  return cells;
}

/** The largest off-diagonal confusions (mistaken structure pairs), biggest first; background excluded when asked. */
export function topConfusions(
  cells: readonly ConfusionCell[],
  limit = 5,
  includeBackground = false,
): ConfusionCell[] {
  return cells
    .filter(
      (c) =>
        c.referenceLabel !== c.predictedLabel &&
        (includeBackground || (c.referenceLabel !== 0 && c.predictedLabel !== 0)),
    )
    .sort((a, b) => b.voxels - a.voxels)
    .slice(0, limit);
}
