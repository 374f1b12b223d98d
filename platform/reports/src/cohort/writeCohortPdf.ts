/**
 * The cohort report as PDF (docs/cohort.md#outputs), with the evaluation report's pdf-lib layout
 * and fonts: summary, per-structure statistics, Dice box/strip plots per structure,
 * Bland–Altman and volume-regression plots per structure and model, and the worst cases.
 */
import { PDFDocument, StandardFonts, rgb, type RGB } from 'pdf-lib';
import type { EvaluationReport } from '@concord/metrics';
import type { CohortReport, CohortStructure } from '@concord/metrics/cohort';
import { reportFonts } from '../pdf/fonts.ts';
import { fitText } from '../pdf/text.ts';
import { formatMl, formatMm, formatRatio } from '../pdf/format.ts';
import { INK, Layout, MARGIN, MUTED, RULE } from '../pdf/writeReportPdf.ts';

export interface CohortPdfInput {
  cohort: CohortReport;
  /** per case the loaded report per model (ok cases), for the plots' points and worst cases */
  cases: { id: string; reports: Record<string, EvaluationReport> }[];
  /** key slices of the worst case rows: PNG panels with the reference and the prediction overlaid */
  keySlices?: {
    id: string;
    model: string;
    label: number;
    k: number;
    voxels: number;
    panels: [Uint8Array, Uint8Array];
    /** physical width / height */
    aspect: number;
  }[];
}

/** Colours of the models, in model order (Okabe–Ito, colour-blind safe). */
export const MODEL_COLORS: RGB[] = [
  rgb(0, 0.447, 0.698),
  rgb(0.835, 0.369, 0),
  rgb(0, 0.62, 0.451),
  rgb(0.8, 0.475, 0.655),
];
const modelColor = (i: number) => MODEL_COLORS[i % MODEL_COLORS.length];

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
  xr: [number, number];
  yr: [number, number];
}

const px = (f: Frame, v: number) => f.x + ((v - f.xr[0]) / (f.xr[1] - f.xr[0] || 1)) * f.w;
const py = (f: Frame, v: number) => f.y + ((v - f.yr[0]) / (f.yr[1] - f.yr[0] || 1)) * f.h;

/** A padded range around the values (never empty). */
function rangeOf(values: number[], pad = 0.08): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - pad * span, hi + pad * span];
}

function axes(
  l: Layout,
  f: Frame,
  xLabel: string,
  yLabel: string,
  fmt: (v: number) => string,
): void {
  const p = l.page;
  p.drawRectangle({ x: f.x, y: f.y, width: f.w, height: f.h, borderColor: RULE, borderWidth: 0.5 });
  for (const [v, at] of [
    [f.xr[0], f.x],
    [f.xr[1], f.x + f.w],
  ] as const)
    l.font.drawText(p, fmt(v), { x: at - 10, y: f.y - 9, size: 5.5, color: MUTED });
  for (const [v, at] of [
    [f.yr[0], f.y],
    [f.yr[1], f.y + f.h],
  ] as const)
    l.font.drawText(p, fmt(v), { x: f.x - 28, y: at - 2, size: 5.5, color: MUTED });
  l.font.drawText(p, xLabel, { x: f.x + f.w / 2 - 30, y: f.y - 17, size: 6.5, color: INK });
  l.font.drawText(p, yLabel, { x: f.x, y: f.y + f.h + 4, size: 6.5, color: INK });
}

function hline(l: Layout, f: Frame, v: number, color: RGB, dash = false): void {
  if (v < f.yr[0] || v > f.yr[1]) return;
  l.page.drawLine({
    start: { x: f.x, y: py(f, v) },
    end: { x: f.x + f.w, y: py(f, v) },
    thickness: 0.6,
    color,
    dashArray: dash ? [2, 2] : undefined,
  });
}

function dot(l: Layout, f: Frame, x: number, y: number, color: RGB): void {
  l.page.drawCircle({ x: px(f, x), y: py(f, y), size: 1.8, color, opacity: 0.85 });
}

const fmt2 = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const orNa = (v: number | null | undefined, f: (v: number) => string) =>
  v === null || v === undefined ? 'n/a' : f(v);

function summary(l: Layout, c: CohortReport): void {
  l.text('Concord cohort report', { size: 16, bold: true });
  l.keyValue('Cases', `${c.summary.cases} (${c.summary.ok} ok, ${c.summary.failed} failed)`);
  if (c.summary.failedCases.length) l.keyValue('Failed cases', c.summary.failedCases.join(', '));
  l.keyValue('Models', c.models.join(', '));
  for (const m of c.summary.models)
    l.keyValue(
      `Dice, ${m.model}`,
      `mean ${formatRatio(m.meanDice)}, pooled ${formatRatio(m.pooledDice)}`,
    );
  const b = c.definitions.bootstrap;
  l.keyValue(
    'Bootstrap',
    `${b.resamples} resamples, seed ${b.seed} (${b.prng}), percentile CI95 of the mean`,
  );
  l.heading('Definitions');
  for (const s of [
    `Inclusion: ${c.definitions.inclusion}. sd with ddof 1; median and quartiles by linear interpolation.`,
    `Bland–Altman: ${c.definitions.blandAltman}. Regression: ${c.definitions.regression}.`,
    `Paired comparison: mean and CI95 of the difference; Wilcoxon: ${c.definitions.wilcoxon}.`,
  ])
    l.paragraph(s);
}

function statsTable(l: Layout, c: CohortReport): void {
  l.heading('Per structure (all cases)');
  const cols: [string, number, (s: CohortStructure) => string][] = [
    ['Structure', 100, (s) => `${s.label} ${s.name}`],
    ['Model', 60, (s) => s.model],
    ['n', 20, (s) => String(s.n)],
    [
      'Dice mean [CI95]',
      110,
      (s) => {
        const d = s.metrics.dice;
        return `${formatRatio(d.mean)} [${d.ci95 ? d.ci95.map((v) => v.toFixed(3)).join(', ') : 'n/a'}]`;
      },
    ],
    [
      'Dice median (IQR)',
      95,
      (s) =>
        `${formatRatio(s.metrics.dice.median)} (${orNa(s.metrics.dice.q1, (v) => v.toFixed(3))}–${orNa(s.metrics.dice.q3, (v) => v.toFixed(3))})`,
    ],
    ['HD95 mm', 45, (s) => formatMm(s.metrics.hd95.mean)],
    ['ASSD mm', 45, (s) => formatMm(s.metrics.assd.mean)],
    ['ΔV mL', 40, (s) => formatMl(s.metrics.volumeDiffMl.mean)],
  ];
  const row = (cells: string[], bold = false) => {
    l.ensure(12);
    l.y -= 10;
    let x = MARGIN;
    cells.forEach((t, i) => {
      const font = bold ? l.bold : l.font;
      font.drawText(l.page, fitText(t, font, 7, cols[i][1] - 4), {
        x,
        y: l.y,
        size: 7,
        color: INK,
      });
      x += cols[i][1];
    });
  };
  row(
    cols.map((c) => c[0]),
    true,
  );
  for (const s of c.structures.filter((s) => s.group === null)) row(cols.map((col) => col[2](s)));
  if (c.paired.length) {
    l.heading(`Paired comparison (${c.paired[0].models[1]} - ${c.paired[0].models[0]})`);
    for (const p of c.paired.filter((p) => p.group === null))
      for (const k of ['dice', 'hd95', 'volumeDiffMl']) {
        const m = p.metrics[k];
        l.text(
          `${p.label} ${p.name}, ${k}: n ${m.n}, mean difference ${orNa(m.meanDiff, (v) => v.toFixed(4))} [${m.ci95 ? m.ci95.map((v) => v.toFixed(4)).join(', ') : 'n/a'}], Wilcoxon p ${orNa(m.wilcoxonP, (v) => v.toPrecision(3))}${m.wilcoxonMethod ? ` (${m.wilcoxonMethod})` : ''}`,
          { size: 7.5 },
        );
      }
  }
}

const rowsOf = (input: CohortPdfInput, model: string, label: number) =>
  input.cases.flatMap((c) => {
    const s = c.reports[model]?.structures.find(
      (s) => s.label === label && s.status !== 'both-empty',
    );
    return s ? [{ id: c.id, s }] : [];
  });

/** Dice per structure: a box (quartiles, median) and whiskers (min-max) per model, cases as dots. */
function boxPlots(l: Layout, c: CohortReport, input: CohortPdfInput): void {
  const labels = [...new Map(c.structures.map((s) => [s.label, s.name])).entries()];
  l.heading('Dice per structure (box: quartiles and median; whiskers: range; dots: cases)');
  const rowH = 12 * c.models.length + 10;
  const f0 = { x: MARGIN + 110, w: l.width - 130, xr: [0, 1] as [number, number] };
  for (const [label, name] of labels) {
    l.ensure(rowH + 12);
    l.font.drawText(l.page, fitText(`${label} ${name}`, l.font, 7.5, 105), {
      x: MARGIN,
      y: l.y - 12,
      size: 7.5,
      color: INK,
    });
    c.models.forEach((model, mi) => {
      const s = c.structures.find(
        (s) => s.label === label && s.model === model && s.group === null,
      );
      const values = rowsOf(input, model, label).map((r) => r.s.dice);
      const y = l.y - 6 - 12 * (mi + 1);
      const f: Frame = { ...f0, y, h: 8, yr: [0, 1] };
      const d = s?.metrics.dice;
      if (d && d.q1 !== null && d.q3 !== null && d.median !== null && values.length) {
        const color = modelColor(mi);
        l.page.drawLine({
          start: { x: px(f, Math.min(...values)), y: y + 4 },
          end: { x: px(f, Math.max(...values)), y: y + 4 },
          thickness: 0.5,
          color,
        });
        l.page.drawRectangle({
          x: px(f, d.q1),
          y,
          width: Math.max(px(f, d.q3) - px(f, d.q1), 0.5),
          height: 8,
          borderColor: color,
          borderWidth: 0.8,
          color: rgb(1, 1, 1),
        });
        l.page.drawLine({
          start: { x: px(f, d.median), y },
          end: { x: px(f, d.median), y: y + 8 },
          thickness: 1.2,
          color,
        });
        for (const v of values) dot(l, f, v, 0.5, color);
      }
      l.font.drawText(l.page, model, { x: MARGIN + 60, y: y + 1, size: 6, color: MUTED });
    });
    l.y -= rowH;
  }
  l.ensure(12);
  l.font.drawText(l.page, 'Dice axis from 0 (left) to 1 (right).', {
    x: f0.x,
    y: l.y - 8,
    size: 6,
    color: MUTED,
  });
  l.y -= 12;
}

/** Bland–Altman (difference vs mean volume) and regression (predicted vs reference) per structure and model. */
function volumePlots(l: Layout, c: CohortReport, input: CohortPdfInput): void {
  l.newPage();
  l.heading(
    'Volume agreement: Bland–Altman (left) and regression of predicted on reference volume (right)',
  );
  const w = (l.width - 80) / 2;
  const h = 120;
  for (const s of c.structures.filter((s) => s.group === null)) {
    const rows = rowsOf(input, s.model, s.label);
    if (rows.length === 0) continue;
    l.ensure(h + 50);
    l.text(`${s.label} ${s.name} — ${s.model} (n ${s.volume.n})`, { size: 8.5, bold: true });
    const ba = s.volume.blandAltman;
    const means = rows.map((r) => (r.s.volumeRefMl + r.s.volumePredMl) / 2);
    const diffs = rows.map((r) => r.s.volumePredMl - r.s.volumeRefMl);
    const top = l.y - 10;
    const fa: Frame = {
      x: MARGIN + 30,
      y: top - h,
      w,
      h,
      xr: rangeOf(means),
      yr: rangeOf([...diffs, ...(ba.loaLow !== null ? [ba.loaLow, ba.loaHigh!] : []), 0]),
    };
    axes(l, fa, 'mean volume (mL)', 'predicted - reference (mL)', fmt2);
    hline(l, fa, 0, RULE);
    if (ba.bias !== null) hline(l, fa, ba.bias, INK);
    if (ba.loaLow !== null) {
      hline(l, fa, ba.loaLow, MUTED, true);
      hline(l, fa, ba.loaHigh!, MUTED, true);
    }
    const mi = c.models.indexOf(s.model);
    means.forEach((m, i) => dot(l, fa, m, diffs[i], modelColor(mi)));
    l.font.drawText(
      l.page,
      `bias ${orNa(ba.bias, fmt2)}, LoA ${orNa(ba.loaLow, fmt2)} to ${orNa(ba.loaHigh, fmt2)} mL`,
      { x: fa.x, y: fa.y + fa.h - 8, size: 6, color: INK },
    );
    const ref = rows.map((r) => r.s.volumeRefMl);
    const pred = rows.map((r) => r.s.volumePredMl);
    const range = rangeOf([...ref, ...pred]);
    const fr: Frame = { x: MARGIN + 80 + w, y: top - h, w, h, xr: range, yr: range };
    axes(l, fr, 'reference volume (mL)', 'predicted volume (mL)', fmt2);
    l.page.drawLine({
      start: { x: fr.x, y: fr.y },
      end: { x: fr.x + fr.w, y: fr.y + fr.h },
      thickness: 0.4,
      color: RULE,
      dashArray: [2, 2],
    });
    const g = s.volume.regression;
    const seg =
      g.slope !== null && g.intercept !== null ? clipLine(g.intercept, g.slope, range) : null;
    if (seg)
      l.page.drawLine({
        start: { x: px(fr, seg[0][0]), y: py(fr, seg[0][1]) },
        end: { x: px(fr, seg[1][0]), y: py(fr, seg[1][1]) },
        thickness: 0.7,
        color: INK,
      });
    ref.forEach((r, i) => dot(l, fr, r, pred[i], modelColor(mi)));
    l.font.drawText(
      l.page,
      `slope ${orNa(g.slope, (v) => v.toFixed(3))}, intercept ${orNa(g.intercept, fmt2)} mL, r² ${orNa(g.r2, (v) => v.toFixed(3))}`,
      { x: fr.x, y: fr.y + fr.h - 8, size: 6, color: INK },
    );
    l.y = top - h - 26;
  }
}

/** The part of y = a + b x inside the square range x, y in [lo, hi]; null when outside. */
export function clipLine(
  a: number,
  b: number,
  [lo, hi]: [number, number],
): [number, number][] | null {
  let x0 = lo;
  let x1 = hi;
  if (b !== 0) {
    const xa = (lo - a) / b;
    const xb = (hi - a) / b;
    x0 = Math.max(x0, Math.min(xa, xb));
    x1 = Math.min(x1, Math.max(xa, xb));
  } else if (a < lo || a > hi) return null;
  if (x0 > x1) return null;
  return [
    [x0, a + b * x0],
    [x1, a + b * x1],
  ];
}

/** The lowest-Dice case rows (structure, model), worst first. */
export function worstCases(input: CohortPdfInput, count = 10) {
  return input.cases
    .flatMap((c) =>
      Object.entries(c.reports).flatMap(([model, r]) =>
        r.structures.filter((s) => s.status !== 'both-empty').map((s) => ({ id: c.id, model, s })),
      ),
    )
    .sort((a, b) => a.s.dice - b.s.dice || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, count);
}

function worstTable(l: Layout, input: CohortPdfInput): void {
  l.heading('Worst cases (lowest Dice)');
  for (const w of worstCases(input))
    l.text(
      `${w.id}  ${w.model}  ${w.s.label} ${w.s.name}: Dice ${formatRatio(w.s.dice)}, HD95 ${formatMm(w.s.hd95)} mm, ΔV ${formatMl(w.s.volumeDiffMl)} mL (${w.s.status})`,
      { size: 7.5 },
    );
}

async function keySlicePages(l: Layout, input: CohortPdfInput): Promise<void> {
  const slices = input.keySlices ?? [];
  if (slices.length === 0) return;
  l.newPage();
  l.heading('Key slices of the worst cases (reference left, prediction right)');
  const gap = 10;
  const panelW = (l.width - gap) / 2;
  for (const s of slices) {
    const h = Math.min(panelW / s.aspect, 150);
    const w = h * s.aspect;
    l.ensure(h + 30);
    const row = input.cases
      .find((c) => c.id === s.id)
      ?.reports[s.model]?.structures.find((x) => x.label === s.label);
    l.text(
      `${s.id}  ${s.model}  ${s.label} ${row?.name ?? ''}: Dice ${formatRatio(row?.dice)}; slice index ${s.k}, ${s.voxels} voxels of this structure disagree`,
      { size: 8, bold: true },
    );
    l.y -= 4;
    for (let c = 0; c < 2; c++) {
      const png = await l.doc.embedPng(s.panels[c]);
      l.page.drawImage(png, { x: MARGIN + c * (panelW + gap), y: l.y - h, width: w, height: h });
    }
    l.y -= h + 8;
  }
}

export async function writeCohortPdf(input: CohortPdfInput): Promise<Uint8Array> {
  const { cohort } = input;
  const doc = await PDFDocument.create();
  doc.setTitle('Concord cohort report');
  doc.setProducer(`${cohort.tool.name} ${cohort.tool.version} (pdf-lib)`);
  doc.setCreator(cohort.tool.name);
  // fixed dates: the same cohort gives the same bytes
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const { font, bold } = await reportFonts(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    [JSON.stringify(cohort), 'Bland–Altman ΔV r² —'],
  );
  const l = new Layout(doc, font, bold);
  summary(l, cohort);
  statsTable(l, cohort);
  boxPlots(l, cohort, input);
  worstTable(l, input);
  volumePlots(l, cohort, input);
  await keySlicePages(l, input);
  return doc.save();
}
