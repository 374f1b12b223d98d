/**
 * The evaluation report as PDF (pdf-lib, no browser; text in any script, see ./fonts.ts): case
 * header, model and backend, metric definitions, per-structure table, volumetric-bias chart, and
 * the slices with the most disagreement rendered with reference / model / disagreement overlays
 * and a legend.
 */
import { PDFDocument, StandardFonts, rgb, type PDFPage, type RGB } from 'pdf-lib';
import type { LabelVolume, Volume } from '@concord/core';
import {
  disagreementLegend,
  VOLUME_BIAS_COLORS,
  isNumericMetric,
  metricSpec,
  rankWorstSlices,
  volumetricBias,
  type MetricKey,
  type MetricUnit,
  type SliceProfile,
} from '@concord/metrics';
import type { EvaluationReport, PrivacyOptions } from '../report/types.ts';
import { encodePng } from '../raster/png.ts';
import {
  autoWindow,
  labelColor,
  magnificationFor,
  renderSlice,
  type Rgb,
} from '../raster/renderSlice.ts';
import { fitText, wrapText } from './text.ts';
import { calibrationSection } from './calibrationSection.ts';
import { reportFonts, type MixedFont } from './fonts.ts';
import { formatMl, formatMm, formatRatio, formatSignedPct, NOT_AVAILABLE } from './format.ts';
import { lesionSections } from './lesionSection.ts';

export interface PdfReportInput {
  report: EvaluationReport;
  /** Image and labelmaps on the report's grid; without them the slice page is left out. */
  volumes?: { image?: Volume; reference: LabelVolume; prediction: LabelVolume };
  /** FP/FN counts per axial slice (axis 2); the worst slices are rendered. */
  sliceProfile?: SliceProfile;
  /**
   * Classifies the voxels of slice k for the disagreement overlay (DisagreementClass per pixel),
   * e.g. `sliceDisagreementClasses`; required with `volumes`.
   */
  classifySlice?: (k: number) => ArrayLike<number>;
}

export interface PdfOptions extends PrivacyOptions {
  /** How many of the worst slices to render (default 3). */
  slices?: number;
  /** Boundary tolerance of the disagreement legend, mm (default: first report tolerance). */
  tauMm?: number;
}

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = 40;
export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.4, 0.4, 0.45);
export const RULE = rgb(0.8, 0.8, 0.82);
export const toPdfColor = (c: Rgb): RGB => rgb(c[0] / 255, c[1] / 255, c[2] / 255);

/** Colours of the volumetric-bias bars. */
/** The volumetric-bias bar colours, the same as the viewer's chart (@concord/metrics). */
export const BIAS_BAR_COLORS = {
  reference: VOLUME_BIAS_COLORS.reference,
  hard: VOLUME_BIAS_COLORS.hard,
  soft: VOLUME_BIAS_COLORS.soft,
};

/** A top-down writing cursor that starts a new page when the current one is full. */
export class Layout {
  page!: PDFPage;
  y = 0;
  readonly width = A4[0] - 2 * MARGIN;

  constructor(
    readonly doc: PDFDocument,
    readonly font: MixedFont,
    readonly bold: MixedFont,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  text(s: string, opts: { size?: number; bold?: boolean; color?: RGB; x?: number } = {}): void {
    const size = opts.size ?? 9;
    const font = opts.bold ? this.bold : this.font;
    this.ensure(size * 1.4);
    this.y -= size * 1.25;
    const x = MARGIN + (opts.x ?? 0);
    font.drawText(this.page, fitText(s, font, size, this.width - (opts.x ?? 0)), {
      x,
      y: this.y,
      size,
      color: opts.color ?? INK,
    });
    this.y -= size * 0.25;
  }

  paragraph(s: string, size = 8.5, color: RGB = INK): void {
    for (const line of wrapText(s, this.font, size, this.width)) this.text(line, { size, color });
  }

  heading(s: string): void {
    this.ensure(40);
    this.y -= 8;
    this.text(s, { size: 12, bold: true });
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + this.width, y: this.y },
      thickness: 0.5,
      color: RULE,
    });
    this.y -= 4;
  }

  keyValue(key: string, value: string): void {
    this.ensure(12);
    this.y -= 11;
    this.bold.drawText(this.page, fitText(key, this.bold, 8.5, 130), {
      x: MARGIN,
      y: this.y,
      size: 8.5,
      color: MUTED,
    });
    this.font.drawText(this.page, fitText(value, this.font, 8.5, this.width - 135), {
      x: MARGIN + 135,
      y: this.y,
      size: 8.5,
      color: INK,
    });
    this.y -= 2;
  }
}

function header(l: Layout, report: EvaluationReport, options: PdfOptions): void {
  l.text('Concord evaluation report', { size: 18, bold: true });
  l.text(`Generated ${report.generatedAt} by ${report.tool.name} ${report.tool.version}`, {
    size: 8.5,
    color: MUTED,
  });
  l.heading('Case');
  if (options.includePhi) {
    const p = options.patient ?? {};
    l.keyValue('Patient name', p.name ?? NOT_AVAILABLE);
    l.keyValue('Patient ID', p.id ?? NOT_AVAILABLE);
    l.keyValue('Birth date', p.birthDate ?? NOT_AVAILABLE);
  } else {
    l.keyValue('Patient', 'de-identified (no name, ID or birth date)');
  }
  l.keyValue('Study Instance UID', report.case.studyInstanceUID ?? NOT_AVAILABLE);
  l.keyValue('Series Instance UID', report.case.seriesInstanceUID ?? NOT_AVAILABLE);
  l.keyValue('Reference', `${report.reference.kind}: ${report.reference.source}`);
  l.keyValue('Prediction', `${report.prediction.kind}: ${report.prediction.source}`);
  const g = report.grid;
  l.keyValue(
    'Grid',
    `${g.dims.join(' x ')} voxels, spacing ${g.spacing.map((s) => +s.toFixed(4)).join(' x ')} mm`,
  );
  l.heading('Model');
  const m = report.prediction.model;
  l.keyValue('Model', m ? `${m.name} ${m.version}` : NOT_AVAILABLE);
  l.keyValue('Model SHA-256', m?.sha256 ?? NOT_AVAILABLE);
  l.keyValue('Backend', report.prediction.backend ?? NOT_AVAILABLE);
  l.keyValue(
    'Inference time',
    report.prediction.inferenceMs === undefined
      ? NOT_AVAILABLE
      : `${(report.prediction.inferenceMs / 1000).toFixed(2)} s`,
  );
}

function definitions(l: Layout, report: EvaluationReport): void {
  const d = report.definitions;
  l.heading('Metric definitions');
  const lines = [
    'For structure k: A = reference voxels with label k, B = model voxels with label k; TP = |A and B|, FP = |B \\ A|, FN = |A \\ B|.',
    'Dice = 2TP / (2TP + FP + FN); Jaccard = TP / (TP + FP + FN); precision = TP / (TP + FP); recall = TP / (TP + FN).',
    'Volumes in mL: voxel count x voxel volume / 1000; volume difference = model - reference (percent of the reference). Soft volume = sum of the model probability x voxel volume (expected volume).',
    `Surface = the mask minus its erosion by the ${d.surface} structuring element (outside the image is background). Distances are Euclidean, in mm, between voxel centres.`,
    `HD95 = max of the two directed 95th percentiles of surface distances (percentile: ${d.percentile} interpolation); HD = maximum; ASSD = mean of all surface distances in both directions; NSD at tolerance t = fraction of surface voxels within t mm of the other surface (tolerances: ${d.tolerancesMm.join(', ')} mm).`,
    'VS (volume similarity) = 1 - |ref - model| / (ref + model) volumes, 1 when both are empty; centroid offset = distance in mm between the two centres of mass in patient space, n/a when either is empty.',
    'Status both-empty: Dice = Jaccard = 1 and excluded from the means; reference-empty / prediction-empty: Dice = Jaccard = 0 and distances n/a. A ratio with a zero denominator is n/a.',
    `Summary: mean Dice ${formatRatio(report.summary.meanDice)}, mean Jaccard ${formatRatio(report.summary.meanJaccard)} over ${report.summary.structuresEvaluated} structures with status ok; pooled Dice ${formatRatio(report.summary.pooledDice)}.`,
  ];
  for (const s of lines) {
    l.paragraph(s);
    l.y -= 2;
  }
}

export interface Column {
  /** The registry field this column shows. */
  key: MetricKey;
  title: string;
  width: number;
  align: 'left' | 'right';
  value: (s: EvaluationReport['structures'][number]) => string;
}

/** How the PDF writes a value of each unit (tests format expected values with these). */
const integer = (v: number | null | undefined): string =>
  v === null || v === undefined ? NOT_AVAILABLE : String(v);
const FORMAT_BY_UNIT: Record<MetricUnit, (v: number | null | undefined) => string> = {
  '': formatRatio,
  mm: formatMm,
  mL: formatMl,
  '%': formatSignedPct,
  voxels: integer,
};

/**
 * A table column of registry field `key`: the heading is the registry's label followed by its
 * unit (mm, mL, %) unless `title` is given; labels and counts are written as integers, other
 * numbers by their unit's format.
 */
function metricColumn(key: MetricKey, width: number, title?: string): Column {
  const m = metricSpec(key);
  const numeric = isNumericMetric(m);
  const format = m.type === 'label' ? integer : FORMAT_BY_UNIT[m.unit];
  const unit = m.unit === '' || m.unit === 'voxels' ? '' : ` ${m.unit}`;
  return {
    key,
    title: title ?? `${m.label}${unit}`,
    width,
    align: numeric ? 'right' : 'left',
    value: (s) => {
      const v = s[key as keyof typeof s];
      return numeric ? format(v as number | null | undefined) : String(v);
    },
  };
}

/** The per-structure table columns (also what the pdftotext test looks for). */
export const TABLE_COLUMNS: Column[] = [
  metricColumn('label', 24, 'Label'),
  metricColumn('name', 105),
  metricColumn('status', 62),
  metricColumn('dice', 33),
  metricColumn('jaccard', 33),
  metricColumn('hd95', 36),
  metricColumn('assd', 37),
  metricColumn('volumeRefMl', 34, 'Ref mL'),
  metricColumn('volumePredMl', 38, 'Model mL'),
  metricColumn('volumeDiffPct', 32, 'Diff %'),
  metricColumn('volumeSimilarity', 26, 'VS'),
  metricColumn('centroidOffsetMm', 38, 'Centr. mm'),
];

/**
 * How structures were paired (docs/structures.md), when it is not simply "same number on both
 * sides": every pair with both numbers and what matched it, the warnings, the overlap rule.
 */
function pairingSection(l: Layout, report: EvaluationReport): void {
  const p = report.pairing;
  if (!p) return;
  const plain = p.pairs.every(
    (x) => x.reference && x.prediction && x.reference.number === x.prediction.number,
  );
  const overlap = p.overlap.reference || p.overlap.prediction;
  if (plain && !overlap && !report.warnings?.length) return;
  l.heading('Structure pairing');
  l.paragraph(
    'Reference and prediction structures are paired by coded concept, then by name, then by number where neither contradicts; labels in the table are the reference numbers.',
  );
  for (const x of p.pairs) {
    const side = (e: typeof x.reference) => (e ? `${e.number} ${e.name}` : 'none');
    l.paragraph(
      `${x.label}: reference ${side(x.reference)} - prediction ${side(x.prediction)} (${x.matchedBy ?? 'one side only'})`,
    );
  }
  if (overlap)
    l.paragraph(
      `${p.overlap.reference ? 'The reference' : 'The prediction'}${p.overlap.reference && p.overlap.prediction ? ' and the prediction have' : ' has'} overlapping structures: each is evaluated on its own mask.`,
    );
  for (const w of report.warnings ?? []) l.paragraph(`Note: ${w}`, 8.5, MUTED);
}

function table(l: Layout, report: EvaluationReport): void {
  l.heading('Per-structure metrics');
  const size = 7.5;
  const rowH = 12;
  const totalW = TABLE_COLUMNS.reduce((n, c) => n + c.width, 0);
  const gap = (l.width - totalW) / (TABLE_COLUMNS.length - 1);
  const drawRow = (cells: string[], font: MixedFont, shade: boolean) => {
    l.ensure(rowH);
    l.y -= rowH;
    if (shade) {
      l.page.drawRectangle({
        x: MARGIN,
        y: l.y - 3,
        width: l.width,
        height: rowH,
        color: rgb(0.95, 0.95, 0.97),
      });
    }
    let x = MARGIN;
    TABLE_COLUMNS.forEach((c, i) => {
      const t = fitText(cells[i], font, size, c.width);
      const w = font.widthOfTextAtSize(t, size);
      font.drawText(l.page, t, {
        x: c.align === 'right' ? x + c.width - w : x,
        y: l.y,
        size,
        color: INK,
      });
      x += c.width + gap;
    });
  };
  const head = () =>
    drawRow(
      TABLE_COLUMNS.map((c) => c.title),
      l.bold,
      false,
    );
  head();
  report.structures.forEach((s, r) => {
    if (l.y - rowH < MARGIN) {
      l.newPage();
      head();
    }
    drawRow(
      TABLE_COLUMNS.map((c) => c.value(s)),
      l.font,
      r % 2 === 0,
    );
  });
}

function biasChart(l: Layout, report: EvaluationReport): void {
  const rows = volumetricBias([{ model: 'model', structures: report.structures }]);
  if (rows.length === 0) return;
  const hasSoft = rows.some((r) => r.softMl !== null);
  const bars = hasSoft ? 3 : 2;
  const barH = 6;
  const groupH = bars * barH + 8;
  const labelW = 120;
  const valueW = 40;
  // room right of the longest bar for its value label
  const plotW = l.width - labelW - valueW - 30;
  const max = Math.max(...rows.flatMap((r) => [r.referenceMl, r.hardMl, r.softMl ?? 0]), 1e-9);
  // keep the chart on one page (heading, legend, bars, axis note)
  l.ensure(40 + 18 + rows.length * groupH + 20);
  l.heading('Volumetric bias (reference vs model volumes, mL)');
  // legend
  l.ensure(16);
  l.y -= 12;
  let lx = MARGIN;
  const legend: Array<[string, Rgb]> = [
    ['reference', BIAS_BAR_COLORS.reference],
    ['model (hard, argmax)', BIAS_BAR_COLORS.hard],
    ...(hasSoft ? [['model (soft, expected)', BIAS_BAR_COLORS.soft] as [string, Rgb]] : []),
  ];
  for (const [name, c] of legend) {
    l.page.drawRectangle({ x: lx, y: l.y, width: 8, height: 8, color: toPdfColor(c) });
    l.font.drawText(l.page, name, { x: lx + 11, y: l.y + 1, size: 7.5, color: INK });
    lx += 22 + l.font.widthOfTextAtSize(name, 7.5);
  }
  l.y -= 6;
  for (const r of rows) {
    l.ensure(groupH);
    const top = l.y;
    l.font.drawText(l.page, fitText(`${r.label} ${r.name}`, l.font, 7.5, labelW - 6), {
      x: MARGIN,
      y: top - barH * 1.5,
      size: 7.5,
      color: INK,
    });
    const values: Array<[number | null, Rgb]> = [
      [r.referenceMl, BIAS_BAR_COLORS.reference],
      [r.hardMl, BIAS_BAR_COLORS.hard],
      ...(hasSoft ? [[r.softMl, BIAS_BAR_COLORS.soft] as [number | null, Rgb]] : []),
    ];
    values.forEach(([v, c], i) => {
      const y = top - (i + 1) * barH;
      const w = v === null ? 0 : (plotW * v) / max;
      l.page.drawRectangle({
        x: MARGIN + labelW,
        y,
        width: Math.max(w, 0.5),
        height: barH - 1,
        color: toPdfColor(c),
      });
      l.font.drawText(l.page, formatMl(v), {
        x: MARGIN + labelW + w + 3,
        y: y + 0.5,
        size: 5.5,
        color: MUTED,
      });
    });
    const diff = r.hardDiffPct === null ? NOT_AVAILABLE : `${formatSignedPct(r.hardDiffPct)}%`;
    l.font.drawText(l.page, diff, {
      x: MARGIN + l.width - l.font.widthOfTextAtSize(diff, 7),
      y: top - barH * 1.5,
      size: 7,
      color: INK,
    });
    l.y -= groupH;
  }
  // axis
  l.page.drawLine({
    start: { x: MARGIN + labelW, y: l.y + 4 },
    end: { x: MARGIN + labelW + plotW, y: l.y + 4 },
    thickness: 0.5,
    color: MUTED,
  });
  l.text(`0 to ${formatMl(max)} mL; right column: hard volume difference vs reference`, {
    size: 7,
    color: MUTED,
    x: labelW,
  });
}

async function slicePage(
  l: Layout,
  input: PdfReportInput,
  options: PdfOptions,
  tauMm: number,
): Promise<void> {
  const { volumes, sliceProfile, classifySlice } = input;
  if (!volumes || !sliceProfile || !classifySlice) return;
  const worst = rankWorstSlices(sliceProfile, options.slices ?? 3);
  l.newPage();
  l.heading('Slices with the most disagreement');
  if (worst.length === 0) {
    l.paragraph('The model and the reference agree on every slice.');
    return;
  }
  const [nx, ny] = volumes.reference.dims;
  const [sx, sy] = volumes.reference.spacing;
  const scale = magnificationFor([nx, ny]);
  const window = volumes.image ? autoWindow(volumes.image) : undefined;
  const gap = 8;
  const panelW = (l.width - 2 * gap) / 3;
  // three rows of panels plus the legend fit on one A4 page
  const panelH = Math.min(panelW * ((ny * sy) / (nx * sx)), 165);
  const imgW = Math.min(panelW, panelH * ((nx * sx) / (ny * sy)));
  for (const k of worst) {
    l.ensure(panelH + 40);
    l.text(
      `Slice ${k + 1} of ${volumes.reference.dims[2]} (index ${k}): ${sliceProfile.fp[k]} FP and ${sliceProfile.fn[k]} FN voxels`,
      { size: 9, bold: true },
    );
    const captions = ['Reference', 'Model', 'Disagreement'];
    l.y -= 2;
    for (let c = 0; c < 3; c++) {
      l.font.drawText(l.page, captions[c], {
        x: MARGIN + c * (panelW + gap),
        y: l.y - 8,
        size: 7.5,
        color: MUTED,
      });
    }
    l.y -= 10;
    const overlays = ['reference', 'prediction', 'disagreement'] as const;
    for (let c = 0; c < 3; c++) {
      const raster = renderSlice(volumes, k, {
        overlay: overlays[c],
        window,
        scale,
        alpha: 0.55,
        classes: overlays[c] === 'disagreement' ? classifySlice(k) : undefined,
      });
      const png = await l.doc.embedPng(encodePng(raster));
      l.page.drawImage(png, {
        x: MARGIN + c * (panelW + gap),
        y: l.y - panelH,
        width: imgW,
        height: panelH,
      });
    }
    l.y -= panelH + 6;
  }
  legend(l, input, tauMm);
}

function legend(l: Layout, input: PdfReportInput, tauMm: number): void {
  const { volumes, report } = input;
  l.y -= 4;
  l.text('Legend', { size: 9, bold: true });
  const entries: Array<[string, Rgb]> = report.structures.map((s) => [
    `${s.label} ${s.name}`,
    labelColor(s.label, volumes?.reference.labels ?? volumes?.prediction.labels),
  ]);
  const disagreement = disagreementLegend(tauMm).map((e) => [e.label, e.color] as [string, Rgb]);
  for (const [title, list] of [
    ['Structures (reference and model panels):', entries],
    ['Disagreement panel:', disagreement],
  ] as const) {
    l.text(title, { size: 7.5, color: MUTED });
    let x = MARGIN;
    l.ensure(12);
    l.y -= 10;
    for (const [name, c] of list) {
      const label = fitText(name, l.font, 7.5, 150);
      const w = 14 + l.font.widthOfTextAtSize(label, 7.5) + 12;
      if (x + w > MARGIN + l.width) {
        x = MARGIN;
        l.ensure(12);
        l.y -= 11;
      }
      l.page.drawRectangle({ x, y: l.y, width: 9, height: 9, color: toPdfColor(c) });
      l.font.drawText(l.page, label, { x: x + 12, y: l.y + 1.5, size: 7.5, color: INK });
      x += w;
    }
    l.y -= 6;
  }
}

/** Writes the PDF report; de-identified unless `options.includePhi`. */
export async function writeReportPdf(
  input: PdfReportInput,
  options: PdfOptions = {},
): Promise<Uint8Array> {
  const { report } = input;
  const doc = await PDFDocument.create();
  doc.setTitle('Concord evaluation report');
  doc.setProducer(`${report.tool.name} ${report.tool.version} (pdf-lib)`);
  doc.setCreator(report.tool.name);
  const created = new Date(report.generatedAt);
  if (!Number.isNaN(created.getTime())) doc.setCreationDate(created);
  const tauMm = options.tauMm ?? report.definitions.tolerancesMm[0] ?? 1;
  // every text drawn that is not fixed English comes from these: the fonts cover them all
  const { font, bold } = await reportFonts(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    [
      JSON.stringify(report),
      JSON.stringify(options.includePhi ? (options.patient ?? {}) : {}),
      ...disagreementLegend(tauMm).map((e) => e.label),
    ],
  );
  const l = new Layout(doc, font, bold);
  header(l, report, options);
  definitions(l, report);
  table(l, report);
  pairingSection(l, report);
  lesionSections(l, report);
  biasChart(l, report);
  calibrationSection(l, report);
  await slicePage(l, input, options, tauMm);
  return doc.save();
}
