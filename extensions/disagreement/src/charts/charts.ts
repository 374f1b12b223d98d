/**
 * Charts of the disagreement and volumetric-bias views, drawn with Observable Plot. Each
 * function returns a standalone SVG element; pass `document` to render outside a browser
 * (e.g. happy-dom in Node for the PDF report).
 */
import * as Plot from '@observablehq/plot';
import type { SliceProfile } from '@concord/metrics';
import type { VolumeBiasRow } from '@concord/metrics';
import {
  DISAGREEMENT_COLORS,
  DisagreementClass,
  VOLUME_BIAS_COLORS,
  type Rgb,
} from '@concord/metrics';

/** Colours readable on the dark theme. */
export const CHART_THEME = { background: '#151a3a', text: '#e6e8f2', grid: '#3a4070' };

const css = (c: Rgb) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
export const FP_COLOR = css(DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross]);
export const FN_COLOR = css(DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeGross]);

export interface ChartOptions {
  document?: Document;
  width?: number;
  height?: number;
}

export interface SliceBar {
  slice: number;
  kind: 'FP' | 'FN';
  voxels: number;
}

/** Long-form rows of a slice profile: one FP and one FN bar per slice with any disagreement. */
export function sliceProfileRows(profile: SliceProfile): SliceBar[] {
  const rows: SliceBar[] = [];
  for (let s = 0; s < profile.fp.length; s++) {
    if (profile.fp[s] > 0) rows.push({ slice: s, kind: 'FP', voxels: profile.fp[s] });
    if (profile.fn[s] > 0) rows.push({ slice: s, kind: 'FN', voxels: profile.fn[s] });
  }
  return rows;
}

const AXIS_NAMES = ['sagittal (i)', 'coronal (j)', 'axial (k)'];

/**
 * Stacked FP/FN voxel counts per slice. The axis and the tooltips number slices from 1, as the
 * viewport does ("Image 86/121"); bars carry the 0-based index in `data-slice` so clicks can
 * navigate.
 */
export function sliceProfileChart(
  profile: SliceProfile,
  options: ChartOptions & { currentSlice?: number } = {},
): SVGSVGElement {
  const rows = sliceProfileRows(profile);
  const n = profile.fp.length;
  const marks: Plot.Markish[] = [
    Plot.rectY(rows, {
      x1: (d: SliceBar) => d.slice + 1 - 0.45,
      x2: (d: SliceBar) => d.slice + 1 + 0.45,
      y: 'voxels',
      fill: 'kind',
      title: (d: SliceBar) => `slice ${d.slice + 1}: ${d.voxels} ${d.kind} voxels`,
    }),
    Plot.ruleY([0], { stroke: CHART_THEME.text }),
  ];
  if (options.currentSlice !== undefined)
    marks.push(
      Plot.ruleX([options.currentSlice + 1], { stroke: CHART_THEME.text, strokeDasharray: '3,3' }),
    );
  const svg = Plot.plot({
    document: options.document,
    width: options.width ?? 420,
    height: options.height ?? 180,
    marginLeft: 50,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    x: {
      label: `slice, ${AXIS_NAMES[profile.axis]}`,
      domain: [0.5, Math.max(n + 0.5, 1.5)],
    },
    y: { label: 'voxels', grid: true },
    color: { domain: ['FP', 'FN'], range: [FP_COLOR, FN_COLOR], legend: false },
    marks,
  }) as SVGSVGElement;
  // tag bars with their slice index for click-to-navigate
  const rects = svg.querySelectorAll('g[aria-label="rect"] rect');
  rects.forEach((r, i) => r.setAttribute('data-slice', String(rows[i]?.slice ?? '')));
  return svg;
}

/** Grouped bars per structure: reference, hard and soft volume (mL) for each model. */
export function volumeBiasChart(
  rows: readonly VolumeBiasRow[],
  options: ChartOptions = {},
): SVGSVGElement {
  type Bar = { structure: string; series: string; ml: number };
  const bars: Bar[] = [];
  const seenRef = new Set<string>();
  for (const r of rows) {
    if (!seenRef.has(r.name)) {
      seenRef.add(r.name);
      bars.push({ structure: r.name, series: 'reference', ml: r.referenceMl });
    }
    bars.push({ structure: r.name, series: `${r.model} hard`, ml: r.hardMl });
    if (r.softMl !== null)
      bars.push({ structure: r.name, series: `${r.model} soft`, ml: r.softMl });
  }
  const series = [...new Set(bars.map((b) => b.series))];
  // the PDF's colours for the first model (reference grey, hard blue, soft sky blue)
  const models = [...new Set(rows.map((r) => r.model))];
  const colourOf = (s: string) => {
    if (s === 'reference') return css(VOLUME_BIAS_COLORS.reference);
    const i = models.findIndex((m) => s === `${m} hard` || s === `${m} soft`);
    const pair =
      i <= 0
        ? VOLUME_BIAS_COLORS
        : VOLUME_BIAS_COLORS.more[(i - 1) % VOLUME_BIAS_COLORS.more.length];
    return css(s.endsWith(' soft') ? pair.soft : pair.hard);
  };
  return Plot.plot({
    document: options.document,
    width: options.width ?? 520,
    height: options.height ?? 260,
    marginLeft: 50,
    marginBottom: 60,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    // structures in the table's order (by label), not Plot's alphabetical default
    fx: { label: null, tickRotate: -25, domain: [...seenRef] },
    x: { axis: null, domain: series },
    y: { label: 'volume (mL)', grid: true },
    color: { domain: series, range: series.map(colourOf), legend: true },
    marks: [
      Plot.barY(bars, {
        fx: 'structure',
        x: 'series',
        y: 'ml',
        fill: 'series',
        title: (b: Bar) => `${b.structure}, ${b.series}: ${b.ml.toFixed(2)} mL`,
      }),
      Plot.ruleY([0], { stroke: CHART_THEME.text }),
    ],
  }) as SVGSVGElement;
}

/** Serialises a chart to standalone SVG text (for download or the PDF report). */
export function chartToSvgText(svg: SVGSVGElement): string {
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}
