/**
 * What the chart worker does: builds a panel's Observable Plot chart against a DOM of its own
 * (linkedom in the worker, any `Document` in tests) and returns its markup. Plot takes 15-70 ms
 * a chart, too long for the main-thread task that shows a new evaluation; parsing the markup
 * back takes a few (docs/architecture.md#workers).
 */
import type { ReliabilityBin, SliceProfile, VolumeBiasRow } from '@concord/metrics';
import { reliabilityChart } from './calibrationCharts.ts';
import { sliceProfileChart, volumeBiasChart, volumeBiasSvg } from './charts.ts';

interface Size {
  width?: number;
  height?: number;
}

/** One chart of the panels, by kind, with the data it plots. */
export type ChartSpec =
  | { kind: 'sliceProfile'; profile: SliceProfile; options?: Size & { currentSlice?: number } }
  /** the panel's chart: Plot's HTML legend beside the SVG */
  | { kind: 'volumeBias'; rows: readonly VolumeBiasRow[]; options?: Size }
  /** one standalone SVG document, legend included (a download) */
  | { kind: 'volumeBiasSvg'; rows: readonly VolumeBiasRow[]; options?: Size }
  | { kind: 'reliability'; bins: readonly ReliabilityBin[]; options?: Size };

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds `spec` in `document` and returns the element. */
export function buildChart(spec: ChartSpec, document: Document): SVGSVGElement | HTMLElement {
  switch (spec.kind) {
    case 'sliceProfile':
      return sliceProfileChart(spec.profile, { ...spec.options, document });
    case 'volumeBias':
      return volumeBiasChart(spec.rows, { ...spec.options, document });
    case 'volumeBiasSvg':
      return volumeBiasSvg(spec.rows, { ...spec.options, document });
    case 'reliability':
      return reliabilityChart(spec.bins, { ...spec.options, document });
  }
}

/** Markup of a chart: an `<svg>` carries its namespace so that it also stands alone. */
export function chartMarkup(chart: Element): string {
  if (chart.tagName.toLowerCase() === 'svg' && !chart.getAttribute('xmlns'))
    chart.setAttribute('xmlns', SVG_NS);
  return chart.outerHTML;
}

export function createChartApi(document: Document) {
  return {
    markup: (spec: ChartSpec): string => chartMarkup(buildChart(spec, document)),
  };
}

export type ChartApi = ReturnType<typeof createChartApi>;
