/**
 * Charts of the cohort view (docs/cohort.md, "Cohort view"), drawn like the cohort PDF: per
 * structure a box (quartiles and median as written in cohort.json), whiskers over the range of
 * the cases' values and one dot per case; and the Bland–Altman plot of predicted - reference
 * volume against their mean with the bias and limits of agreement of cohort.json. The charts
 * draw the numbers they are given; they compute only positions.
 */
import * as Plot from '@observablehq/plot';
import { CHART_THEME, type ChartOptions } from './charts.ts';

/** One box of the distribution chart: the cohort statistics of one structure (and model). */
export interface DistributionBox {
  structure: string;
  q1: number;
  median: number;
  q3: number;
}

/** One dot: a case's value for a structure. */
export interface DistributionPoint {
  structure: string;
  caseId: string;
  value: number;
}

/** Box/strip plot per structure: box = quartiles, line = median, whiskers = range, dots = cases. */
export function distributionChart(
  boxes: readonly DistributionBox[],
  points: readonly DistributionPoint[],
  options: ChartOptions & { metric?: string } = {},
): SVGSVGElement {
  const domain = [
    ...new Set([...boxes.map((b) => b.structure), ...points.map((p) => p.structure)]),
  ];
  const range = domain.map((structure) => {
    const v = points.filter((p) => p.structure === structure).map((p) => p.value);
    return { structure, lo: Math.min(...v), hi: Math.max(...v), n: v.length };
  });
  return Plot.plot({
    document: options.document,
    width: options.width ?? Math.max(320, 90 * domain.length + 80),
    height: options.height ?? 260,
    marginLeft: 50,
    marginBottom: 60,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    x: { domain, label: null, tickRotate: -25, padding: 0.3 },
    y: { label: options.metric ?? 'Dice', grid: true },
    marks: [
      Plot.ruleX(
        range.filter((r) => r.n > 0),
        { x: 'structure', y1: 'lo', y2: 'hi', stroke: CHART_THEME.text },
      ),
      Plot.barY(boxes, {
        x: 'structure',
        y1: 'q1',
        y2: 'q3',
        fill: '#3b518b',
        stroke: CHART_THEME.text,
        title: (b: DistributionBox) => `${b.structure}: q1 ${b.q1}, median ${b.median}, q3 ${b.q3}`,
      }),
      Plot.tickY(boxes, { x: 'structure', y: 'median', stroke: '#fde725', strokeWidth: 2 }),
      Plot.dot(points, {
        x: 'structure',
        y: 'value',
        r: 3,
        fill: '#e6e8f2',
        stroke: '#151a3a',
        title: (p: DistributionPoint) => `${p.caseId}: ${p.value}`,
      }),
    ],
  }) as SVGSVGElement;
}

/** A case's reference and predicted volume of one structure (mL). */
export interface VolumePoint {
  caseId: string;
  referenceMl: number;
  predictedMl: number;
}

/** Bland–Altman: difference (predicted - reference) against mean volume; bias and LoA given. */
export function blandAltmanChart(
  points: readonly VolumePoint[],
  agreement: { bias: number | null; loaLow: number | null; loaHigh: number | null },
  options: ChartOptions = {},
): SVGSVGElement {
  const rows = points.map((p) => ({
    caseId: p.caseId,
    mean: (p.referenceMl + p.predictedMl) / 2,
    diff: p.predictedMl - p.referenceMl,
  }));
  const lines = [
    { name: 'bias', y: agreement.bias, dash: null },
    { name: 'LoA low', y: agreement.loaLow, dash: '4,3' },
    { name: 'LoA high', y: agreement.loaHigh, dash: '4,3' },
  ].filter((l): l is { name: string; y: number; dash: string | null } => l.y !== null);
  return Plot.plot({
    document: options.document,
    width: options.width ?? 320,
    height: options.height ?? 240,
    marginLeft: 55,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    x: { label: 'mean volume (mL)', grid: true },
    y: { label: 'predicted - reference (mL)', grid: true },
    marks: [
      ...lines.map((l) =>
        Plot.ruleY([l.y], {
          stroke: l.name === 'bias' ? '#fde725' : '#21908d',
          strokeDasharray: l.dash ?? undefined,
          title: () => `${l.name}: ${l.y} mL`,
        }),
      ),
      Plot.dot(rows, {
        x: 'mean',
        y: 'diff',
        r: 3,
        fill: '#e6e8f2',
        title: (r: { caseId: string; mean: number; diff: number }) =>
          `${r.caseId}: mean ${r.mean.toFixed(2)} mL, difference ${r.diff.toFixed(2)} mL`,
      }),
    ],
  }) as SVGSVGElement;
}
