/**
 * Key slices of the worst cases for cohort.pdf (docs/cohort.md#outputs): for each of the worst
 * case rows, the axial slice where reference and prediction disagree most on that structure,
 * rendered with the reference and the prediction overlaid (the evaluation report's renderer).
 */
import path from 'node:path';
import { alignToReference, type Volume } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import type { CaseSpec } from './casesFile.ts';
import { caseDir } from './runCase.ts';

export interface KeySlice {
  id: string;
  model: string;
  label: number;
  /** slice index (axis 2) and its disagreeing voxels of the structure */
  k: number;
  voxels: number;
  /** PNG panels: reference overlay, prediction overlay */
  panels: [Uint8Array, Uint8Array];
  /** physical width / height of the slice */
  aspect: number;
}

/** The axial slice with the most voxels where exactly one of the labelmaps has `label`. */
export function worstSlice(
  ref: ArrayLike<number>,
  pred: ArrayLike<number>,
  dims: readonly number[],
  label: number,
): { k: number; voxels: number } {
  const plane = dims[0] * dims[1];
  let best = { k: 0, voxels: -1 };
  for (let k = 0; k < dims[2]; k++) {
    let n = 0;
    for (let i = k * plane; i < (k + 1) * plane; i++)
      if ((ref[i] === label) !== (pred[i] === label)) n++;
    if (n > best.voxels) best = { k, voxels: n };
  }
  return best;
}

/** Renders the key slices of `rows`; a row whose files cannot be read is left out. */
export async function keySlices(
  rows: { id: string; model: string; s: EvaluationReport['structures'][number] }[],
  specs: ReadonlyMap<string, CaseSpec>,
  out: string,
  inferred: boolean,
): Promise<KeySlice[]> {
  const { readLabelInput } = await import('../metrics.ts');
  const { readInputVolume } = await import('../infer.ts');
  const { renderSlice, encodePng, magnificationFor, autoWindow } = await import('@concord/reports');
  const result: KeySlice[] = [];
  for (const row of rows) {
    const spec = specs.get(row.id);
    if (!spec) continue;
    try {
      const prediction = inferred
        ? path.join(caseDir(out, spec.id), `prediction-${row.model}.nii.gz`)
        : spec.predictions[row.model];
      const series = spec.image ?? undefined;
      const ref = await readLabelInput(spec.reference, 'reference', series);
      const pred = await readLabelInput(prediction, 'prediction', series);
      const aligned = alignToReference(pred.volume, ref.volume);
      const { k, voxels } = worstSlice(ref.volume.data, aligned.data, ref.volume.dims, row.s.label);
      if (voxels <= 0) continue;
      let image: Volume | undefined;
      if (spec.image) {
        const v = (await readInputVolume(spec.image)).volume;
        // shown only when it is on the reference grid (the renderer needs one grid)
        if (v.dims.every((d, i) => d === ref.volume.dims[i])) image = v;
      }
      const vols = { image, reference: ref.volume, prediction: aligned };
      const scale = magnificationFor(ref.volume.dims.slice(0, 2), 160);
      const window = image ? autoWindow(image) : undefined;
      const panel = (overlay: 'reference' | 'prediction') =>
        encodePng(renderSlice(vols, k, { overlay, window, scale, alpha: 0.55 }));
      const [nx, ny] = ref.volume.dims;
      const [sx, sy] = ref.volume.spacing;
      result.push({
        id: row.id,
        model: row.model,
        label: row.s.label,
        k,
        voxels,
        panels: [panel('reference'), panel('prediction')],
        aspect: (nx * sx) / (ny * sy),
      });
    } catch {
      // the case's numbers stand; only its picture is missing
    }
  }
  return result;
}
