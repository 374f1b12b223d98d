/**
 * What the Export panel sends its worker, read from the viewer: the reference and prediction
 * labelmaps with the evaluation session's report of them, plus the displayed series (SEG/SR
 * reference it) and the model's classes (SEG segments).
 */
import type { LabelInfo, SegmentDefinition } from '@concord/core';
import type { OverlayState, ViewerHost } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import type { ExportJob } from './exportApi.ts';
import { EXPORT_FILE_NAMES, type ExportKind } from '@concord/reports';

/** Download list order and captions; the lesion table only when the report has one. */
export const EXPORT_ITEMS: Array<{ kind: ExportKind; caption: string }> = [
  { kind: 'pdf', caption: 'Report (PDF)' },
  { kind: 'csv', caption: 'Metrics table (CSV)' },
  { kind: 'json', caption: 'Report (JSON, concord.report/v1)' },
  { kind: 'seg', caption: 'Model labelmap (DICOM SEG)' },
  { kind: 'sr', caption: 'Measurement report (DICOM SR, TID 1500)' },
  { kind: 'lesions', caption: 'Lesion table (CSV)' },
];

export { EXPORT_FILE_NAMES };

/**
 * SEG segments: the prediction's classes (label, name, colour, codes), then any reference structure
 * the prediction lacks (an empty segment, so that the SR still has its measurements),
 * background excluded.
 */
export function segmentsOf(prediction: LabelInfo[], reference: LabelInfo[]): SegmentDefinition[] {
  const byLabel = new Map<number, LabelInfo>();
  for (const l of [...reference, ...prediction])
    byLabel.set(l.label, { ...byLabel.get(l.label), ...l });
  return [...byLabel.values()]
    .filter((l) => l.label !== 0)
    .sort((a, b) => a.label - b.label)
    .map((l) => ({
      label: l.label,
      name: l.name,
      ...(l.color ? { color: l.color } : {}),
      // what the structure is, so that the SEG pairs by code (docs/seg.md)
      ...(l.codes ? { codes: l.codes } : {}),
    }));
}

/**
 * The worker job for the current overlays and `report` (the evaluation session's, of these
 * overlays); undefined while either labelmap is missing.
 */
export async function exportJob(
  viewer: ViewerHost,
  ref: OverlayState,
  pred: OverlayState,
  report: EvaluationReport,
  includePhi: boolean,
): Promise<Omit<ExportJob, 'token'> | undefined> {
  const reference = viewer.getLabelmap('reference');
  const prediction = viewer.getLabelmap('prediction');
  if (!reference || !prediction) return undefined;
  const series = await viewer.getSeries();
  const labels = prediction.labels?.length ? prediction.labels : pred.labels;
  const refLabels = reference.labels?.length ? reference.labels : ref.labels;
  const model = pred.origin.model;
  return {
    series,
    reference,
    prediction,
    report,
    segments: segmentsOf(labels, refLabels),
    algorithm: model
      ? { name: model.name, version: model.version }
      : { name: pred.title || 'labelmap', version: '1' },
    includePhi,
  };
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
