/**
 * The reliability diagram of the Calibration view and the PDF (docs/calibration.md): per bin,
 * the mean confidence p_k against the observed frequency of the structure, dot area by the
 * bin's voxel count, with the diagonal of perfect calibration.
 */
import * as Plot from '@observablehq/plot';
import type { ReliabilityBin } from '@concord/metrics';
import { CHART_THEME, type ChartOptions } from './charts.ts';

export const RELIABILITY_COLOR = 'rgb(86, 180, 233)';

export function reliabilityChart(
  bins: readonly ReliabilityBin[],
  options: ChartOptions = {},
): SVGSVGElement {
  type Dot = { bin: number; confidence: number; frequency: number; count: number };
  const dots: Dot[] = bins.flatMap((b, i) =>
    b.count > 0 && b.meanConfidence !== null && b.observedFrequency !== null
      ? [{ bin: i, confidence: b.meanConfidence, frequency: b.observedFrequency, count: b.count }]
      : [],
  );
  return Plot.plot({
    document: options.document,
    width: options.width ?? 300,
    height: options.height ?? 260,
    marginLeft: 50,
    marginBottom: 40,
    style: { background: CHART_THEME.background, color: CHART_THEME.text, fontSize: '11px' },
    x: { label: 'mean confidence p_k', domain: [0, 1], grid: true },
    y: { label: 'observed frequency', domain: [0, 1], grid: true },
    r: { type: 'sqrt', range: [2, 10] },
    marks: [
      Plot.line(
        [
          [0, 0],
          [1, 1],
        ],
        { stroke: CHART_THEME.grid, strokeDasharray: '4,3' },
      ),
      Plot.line(dots, { x: 'confidence', y: 'frequency', stroke: RELIABILITY_COLOR }),
      Plot.dot(dots, {
        x: 'confidence',
        y: 'frequency',
        r: 'count',
        fill: RELIABILITY_COLOR,
        title: (d: Dot) =>
          `bin ${d.bin + 1}: ${d.count} voxels, confidence ${d.confidence.toFixed(3)}, frequency ${d.frequency.toFixed(3)}`,
      }),
    ],
  }) as SVGSVGElement;
}
