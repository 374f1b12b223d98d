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

type VolumeBar = { structure: string; series: string; ml: number };

/**
 * The bars of the volume bias chart (reference once per structure, then each model's hard and
 * soft volume) and each series' colour: the PDF's colours for the first model (reference grey,
 * hard blue, soft sky blue), the next pairs for further models.
 */
function volumeBiasBars(rows: readonly VolumeBiasRow[]) {
  const bars: VolumeBar[] = [];
  const structures = new Set<string>();
  for (const r of rows) {
    if (!structures.has(r.name)) {
      structures.add(r.name);
      bars.push({ structure: r.name, series: 'reference', ml: r.referenceMl });
    }
    bars.push({ structure: r.name, series: `${r.model} hard`, ml: r.hardMl });
    if (r.softMl !== null)
      bars.push({ structure: r.name, series: `${r.model} soft`, ml: r.softMl });
  }
  const series = [...new Set(bars.map((b) => b.series))];
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
  return { bars, structures: [...structures], series, colours: series.map(colourOf) };
}

/**
 * Grouped bars per structure: reference, hard and soft volume (mL) for each model. With its
 * legend (the default) Plot returns a `<figure>` holding the swatches and the SVG.
 */
export function volumeBiasChart(
  rows: readonly VolumeBiasRow[],
  options: ChartOptions & { legend?: boolean } = {},
): SVGSVGElement | HTMLElement {
  const { bars, structures, series, colours } = volumeBiasBars(rows);
  return Plot.plot({
    document: options.document,
    width: options.width ?? 520,
    height: options.height ?? 260,
    marginLeft: 50,
    marginBottom: 60,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    // structures in the table's order (by label), not Plot's alphabetical default
    fx: { label: null, tickRotate: -25, domain: structures },
    x: { axis: null, domain: series },
    y: { label: 'volume (mL)', grid: true },
    color: { domain: series, range: colours, legend: options.legend ?? true },
    marks: [
      Plot.barY(bars, {
        fx: 'structure',
        x: 'series',
        y: 'ml',
        fill: 'series',
        title: (b: VolumeBar) => `${b.structure}, ${b.series}: ${b.ml.toFixed(2)} mL`,
      }),
      Plot.ruleY([0], { stroke: CHART_THEME.text }),
    ],
  });
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_ROW_PX = 22;

/**
 * The volume bias chart as one standalone SVG (a download, a PNG): Plot's legend is HTML
 * beside the SVG, so here the series' swatches are drawn as a row of SVG above the plot.
 */
export function volumeBiasSvg(
  rows: readonly VolumeBiasRow[],
  options: ChartOptions = {},
): SVGSVGElement {
  const doc = options.document ?? document;
  const width = options.width ?? 520;
  const height = options.height ?? 260;
  const plot = volumeBiasChart(rows, { ...options, width, height, legend: false });
  const { series, colours } = volumeBiasBars(rows);
  const el = <K extends string>(tag: K, attrs: Record<string, string | number>) => {
    const e = doc.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const total = height + LEGEND_ROW_PX;
  const root = el('svg', { xmlns: SVG_NS, width, height: total, viewBox: `0 0 ${width} ${total}` });
  root.append(el('rect', { width, height: total, fill: CHART_THEME.background }));
  let x = 8;
  series.forEach((name, i) => {
    root.append(el('rect', { x, y: 6, width: 10, height: 10, fill: colours[i] }));
    const label = el('text', {
      x: x + 14,
      y: 15,
      fill: CHART_THEME.text,
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
    });
    label.textContent = name; // escaped when serialised: model names are user data
    root.append(label);
    x += 24 + 6.5 * name.length;
  });
  plot.setAttribute('y', String(LEGEND_ROW_PX));
  root.append(plot);
  return root as SVGSVGElement;
}

/** Serialises a chart to standalone SVG text (for download or the PDF report). */
export function chartToSvgText(svg: SVGSVGElement): string {
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}
