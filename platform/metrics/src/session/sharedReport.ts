/**
 * The Metrics panel's latest report, shared through the viewer bridge so that other panels
 * (Export) use it instead of recomputing the same metrics from the same labelmaps. Keyed by
 * study, series and the overlay generations of the reference and the prediction: a report is
 * only handed out for exactly the labelmaps (and probabilities) it was computed from.
 */
import type { OverlayState, ViewerHost } from '@concord/core';
import type { EvaluationReport } from '../report/report.ts';

const NAME = 'segmentation-metrics:report';

type Inputs = Pick<OverlayState, 'generation'>;

function keyOf(viewer: ViewerHost, ref: Inputs, pred: Inputs): string {
  return `${viewer.studyInstanceUID}|${viewer.seriesInstanceUID}|${ref.generation}/${pred.generation}`;
}

/** Records `report` as computed from these reference and prediction overlays (default tolerances). */
export function publishReport(
  viewer: ViewerHost,
  ref: Inputs,
  pred: Inputs,
  report: EvaluationReport,
): void {
  viewer.shared.set(NAME, keyOf(viewer, ref, pred), report);
}

/** The Metrics panel's report for exactly these overlays, if it has computed it. */
export function publishedReport(
  viewer: ViewerHost,
  ref: Inputs,
  pred: Inputs,
): EvaluationReport | undefined {
  return viewer.shared.get(NAME, keyOf(viewer, ref, pred)) as EvaluationReport | undefined;
}
