/**
 * The PDF's lesion-wise section: one block per structure evaluated as instances
 * (docs/metrics.md#lesion-wise-evaluation): the detection summary and panoptic quality, then a
 * table of its matched, missed and false lesions.
 */
import { rgb } from 'pdf-lib';
import type { EvaluationReport, LesionRow } from '@concord/metrics';
import type { Layout } from './writeReportPdf.ts';
import { fitText } from './text.ts';
import { formatMl, formatRatio, NOT_AVAILABLE } from './format.ts';

const INK = rgb(0.1, 0.1, 0.12);
/** Lesion rows drawn per structure; the rest are in the lesion CSV. */
export const PDF_LESION_ROWS = 40;

const KIND: Record<LesionRow['kind'], string> = {
  matched: 'matched',
  missed: 'missed (FN)',
  false: 'false (FP)',
};

/** The lesion table's columns: title, width (pt), cell. */
export const LESION_PDF_COLUMNS: [string, number, (r: LesionRow) => string][] = [
  ['Lesion', 70, (r) => KIND[r.kind]],
  ['Ref #', 36, (r) => (r.reference === null ? '' : String(r.reference))],
  ['Model #', 40, (r) => (r.prediction === null ? '' : String(r.prediction))],
  ['Ref mL', 50, (r) => formatMl(r.referenceMl)],
  ['Model mL', 50, (r) => formatMl(r.predictionMl)],
  ['IoU', 40, (r) => formatRatio(r.iou)],
  ['Dice', 40, (r) => formatRatio(r.dice)],
  ['Best IoU', 44, (r) => formatRatio(r.bestIou)],
  ['Slice', 36, (r) => String(r.slice + 1)],
];

export function lesionSections(l: Layout, report: EvaluationReport): void {
  const left = (l.page.getWidth() - l.width) / 2;
  for (const s of report.structures) {
    const x = s.lesions;
    if (!x) continue;
    l.heading(`Lesions: ${s.label} ${s.name}`);
    const how =
      x.match === 'iou'
        ? `matched one-to-one when IoU > ${x.iouThreshold}`
        : 'matched one-to-one on any overlap (greedy: highest IoU, then lowest numbers)';
    l.paragraph(
      `${x.connectivity}-connected components, ${how}. Reference ${x.referenceLesions}, model ${x.predictionLesions} lesions: TP ${x.tp}, FP ${x.fp}, FN ${x.fn}; precision ${formatRatio(x.precision)}, recall ${formatRatio(x.recall)}, F1 ${formatRatio(x.f1)}; PQ ${formatRatio(x.pq)} = SQ ${formatRatio(x.sq)} x RQ ${formatRatio(x.rq)}.`,
    );
    if (x.lesions.length === 0) continue;
    const size = 7.5;
    const rowH = 11;
    const row = (cells: string[], bold: boolean) => {
      l.ensure(rowH);
      l.y -= rowH;
      let cx = left;
      const font = bold ? l.bold : l.font;
      LESION_PDF_COLUMNS.forEach(([, w], i) => {
        font.drawText(l.page, fitText(cells[i], font, size, w - 4), {
          x: cx,
          y: l.y,
          size,
          color: INK,
        });
        cx += w;
      });
    };
    row(
      LESION_PDF_COLUMNS.map(([t]) => t),
      true,
    );
    for (const r of x.lesions.slice(0, PDF_LESION_ROWS))
      row(
        LESION_PDF_COLUMNS.map(([, , f]) => f(r)),
        false,
      );
    if (x.lesions.length > PDF_LESION_ROWS)
      l.paragraph(
        `${x.lesions.length - PDF_LESION_ROWS} more lesions in the lesion CSV (slices are 1-based).`,
      );
    else
      l.paragraph(`Slices are 1-based (the viewer's numbering); ${NOT_AVAILABLE} = not defined.`);
  }
}
