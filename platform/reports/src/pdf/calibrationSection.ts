/**
 * The PDF's "Calibration and surrogate losses" section (docs/calibration.md), present only when
 * the report has class probabilities: one reliability diagram per structure (mean confidence vs
 * observed frequency per bin, dot area by voxel count, the diagonal), ECE and Brier under it,
 * then the losses table with each structure's rank under every loss next to its Dice rank, and
 * the hard Dice / Jaccard identity. Drawn with pdf-lib primitives (no browser).
 */
import { rgb } from 'pdf-lib';
import { kendallTau, LOSS_KEYS, RANKING_KEYS, type RankingKey } from '@concord/metrics';
import type { EvaluationReport } from '../report/types.ts';
import { INK, MARGIN, MUTED, RULE, type Layout } from './writeReportPdf.ts';
import { fitText } from './text.ts';
import { formatRatio, NOT_AVAILABLE } from './format.ts';

const DOT = rgb(0.34, 0.7, 0.91);
const HEAD: Record<RankingKey, string> = {
  dice: 'Dice',
  softDiceLoss: 'soft Dice',
  softJaccardLoss: 'soft Jacc.',
  lovaszLoss: 'Lovász',
  ceLoss: 'CE',
  weightedCeLoss: 'wCE',
  tverskyLoss: 'Tversky',
  regionLoss: 'region-w.',
};

function reliabilityDiagrams(l: Layout, report: EvaluationReport): void {
  const cal = report.calibration!;
  const size = 120;
  const cell = l.width / 3;
  const shown = cal.structures.filter((s) => s.regionVoxels > 0);
  for (let i = 0; i < shown.length; i += 3) {
    l.ensure(size + 48);
    const top = l.y - 14;
    shown.slice(i, i + 3).forEach((s, j) => {
      const row = report.structures.find((r) => r.label === s.label);
      const x0 = MARGIN + j * cell + 24;
      const y0 = top - size;
      l.font.drawText(l.page, fitText(`${s.label} ${row?.name ?? ''}`, l.font, 7.5, cell - 10), {
        x: x0 - 20,
        y: top + 4,
        size: 7.5,
        color: INK,
      });
      l.page.drawRectangle({
        x: x0,
        y: y0,
        width: size,
        height: size,
        borderColor: RULE,
        borderWidth: 0.5,
      });
      l.page.drawLine({
        start: { x: x0, y: y0 },
        end: { x: x0 + size, y: y0 + size },
        thickness: 0.5,
        color: MUTED,
        dashArray: [3, 2],
      });
      const max = Math.max(1, ...s.reliability.map((b) => b.count));
      let prev: { x: number; y: number } | null = null;
      for (const b of s.reliability) {
        if (!b.count || b.meanConfidence === null || b.observedFrequency === null) continue;
        const p = { x: x0 + b.meanConfidence * size, y: y0 + b.observedFrequency * size };
        if (prev) l.page.drawLine({ start: prev, end: p, thickness: 0.7, color: DOT });
        l.page.drawCircle({ ...p, size: 1.2 + 3.5 * Math.sqrt(b.count / max), color: DOT });
        prev = p;
      }
      for (const [t, x, y] of [
        ['0', x0 - 6, y0 - 3],
        ['1', x0 + size - 2, y0 - 9],
        ['1', x0 - 6, y0 + size - 3],
      ] as const)
        l.font.drawText(l.page, t, { x, y, size: 6, color: MUTED });
      l.font.drawText(
        l.page,
        `ECE ${formatRatio(row?.ece)}  Brier ${formatRatio(row?.brier)}  N ${s.regionVoxels}`,
        { x: x0 - 20, y: y0 - 18, size: 7, color: INK },
      );
    });
    l.y = top - size - 26;
  }
  l.text(
    `x: mean confidence p_k per bin, y: observed frequency; dot area by voxel count; dashed: perfect calibration. ${cal.bins} bins over the union box of reference and prediction grown by ${cal.regionMarginMm} mm.`,
    { size: 7, color: MUTED },
  );
}

function lossTable(l: Layout, report: EvaluationReport): void {
  const losses = report.losses!;
  const rows = report.structures.filter(
    (s) => s.softDiceLoss !== undefined && s.softDiceLoss !== null,
  );
  const rank = (k: RankingKey, label: number) => {
    const i = losses.rankings[k].indexOf(label);
    return i < 0 ? '' : ` (${i + 1})`;
  };
  const cols: { title: string; w: number; value: (s: (typeof rows)[number]) => string }[] = [
    { title: 'Structure', w: 78, value: (s) => `${s.label} ${s.name}` },
    { title: 'Dice', w: 44, value: (s) => `${s.dice.toFixed(3)}${rank('dice', s.label)}` },
    { title: 'J', w: 26, value: (s) => s.jaccard.toFixed(3) },
    { title: '2J/(1+J)', w: 32, value: (s) => ((2 * s.jaccard) / (1 + s.jaccard)).toFixed(3) },
    ...LOSS_KEYS.map((k) => ({
      title: HEAD[k],
      w: 44,
      value: (s: (typeof rows)[number]) =>
        s[k] === null || s[k] === undefined
          ? NOT_AVAILABLE
          : `${s[k]!.toFixed(3)}${rank(k, s.label)}`,
    })),
  ];
  const size = 6.5;
  const gap = (l.width - cols.reduce((n, c) => n + c.w, 0)) / (cols.length - 1);
  const draw = (cells: string[], bold: boolean) => {
    l.ensure(11);
    l.y -= 11;
    let x = MARGIN;
    const font = bold ? l.bold : l.font;
    cols.forEach((c, i) => {
      font.drawText(l.page, fitText(cells[i], font, size, c.w), { x, y: l.y, size, color: INK });
      x += c.w + gap;
    });
  };
  draw(
    cols.map((c) => c.title),
    true,
  );
  for (const s of rows)
    draw(
      cols.map((c) => c.value(s)),
      false,
    );
  l.paragraph(
    `Losses one-vs-rest over each structure's evaluated region, lower is better; (n) = rank. eps = ${losses.epsilon}; Tversky alpha = ${losses.tverskyAlpha} (FP), beta = ${losses.tverskyBeta} (FN); weighted CE with inverse-frequency weights N/(2 n_c). Hard Dice = 2J/(1+J) and J <= Dice <= 2J hold for every structure.`,
    7,
    MUTED,
  );
  l.y -= 4;
  for (const k of RANKING_KEYS) {
    if (k === 'dice') continue;
    const tau = kendallTau(losses.rankings.dice, losses.rankings[k]);
    l.text(
      `${HEAD[k]}: Kendall tau with the Dice ranking ${tau === null ? NOT_AVAILABLE : tau.toFixed(2)}; order ${losses.rankings[k].join(' > ')}`,
      { size: 7 },
    );
  }
}

/** The section; nothing when the report has no class probabilities. */
export function calibrationSection(l: Layout, report: EvaluationReport): void {
  if (!report.calibration || !report.losses) return;
  l.heading('Calibration and surrogate losses');
  reliabilityDiagrams(l, report);
  lossTable(l, report);
}
