// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  blandAltmanChart,
  chartToSvgText,
  distributionChart,
  FP_COLOR,
  sliceProfileChart,
  volumeBiasChart,
} from './index.ts';
import { VOLUME_BIAS_COLORS, volumetricBias } from '@concord/metrics';

describe('charts (Observable Plot)', () => {
  it('draws one bar per FP/FN slice count, tagged with its slice for navigation', () => {
    const svg = sliceProfileChart({ axis: 2, fp: [0, 3, 0, 9], fn: [1, 0, 0, 2] });
    const bars = Array.from(svg.querySelectorAll('rect[data-slice]'));
    expect(bars.map((b) => b.getAttribute('data-slice')).sort()).toEqual(['0', '1', '3', '3']);
    const text = chartToSvgText(svg);
    expect(text).toContain('slice, axial (k)');
    // shown to users from 1, as the viewport numbers its images
    expect(text).toContain('slice 4: 9 FP voxels');
    expect(text).not.toContain('slice 0:');
    expect(text).toContain(FP_COLOR);
    expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
  it('draws reference, hard and soft volume bars with a mL axis', () => {
    const rows = volumetricBias([
      {
        model: 'ce',
        structures: [
          { label: 1, name: 'Frontal', volumeRefMl: 10, volumePredMl: 11, volumeSoftMl: 10.4 },
        ],
      },
    ]);
    const svg = volumeBiasChart(rows);
    expect(svg.outerHTML).toContain('volume (mL)');
    expect(svg.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(3);
    // the PDF's bar colours (reference, hard, soft)
    const fills = [...svg.querySelectorAll('g[aria-label="bar"] rect')].map((r) =>
      r.getAttribute('fill'),
    );
    expect(fills).toEqual(
      [VOLUME_BIAS_COLORS.reference, VOLUME_BIAS_COLORS.hard, VOLUME_BIAS_COLORS.soft].map(
        (c) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`,
      ),
    );
  });
  it('cohort box/strip: one box and median per structure, one dot per case', () => {
    const svg = distributionChart(
      [
        { structure: '1 Lesion', q1: 0.6, median: 0.7, q3: 0.8 },
        { structure: '2 Organ', q1: 0.85, median: 0.9, q3: 0.92 },
      ],
      [0.5, 0.7, 0.9].flatMap((v, i) => [
        { structure: '1 Lesion', caseId: `c${i}`, value: v },
        { structure: '2 Organ', caseId: `c${i}`, value: v + 0.05 },
      ]),
    );
    expect(svg.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(2);
    expect(svg.querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(6);
    expect(svg.outerHTML).toContain('c1: 0.7');
  });
  it('Bland–Altman: one dot per case at (mean, difference), bias and both limits drawn', () => {
    const svg = blandAltmanChart(
      [
        { caseId: 'a', referenceMl: 10, predictedMl: 12 },
        { caseId: 'b', referenceMl: 20, predictedMl: 19 },
      ],
      { bias: 0.5, loaLow: -3.66, loaHigh: 4.66 },
    );
    expect(svg.querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(2);
    expect(svg.querySelectorAll('g[aria-label="rule"] line')).toHaveLength(3);
    expect(svg.outerHTML).toContain('a: mean 11.00 mL, difference 2.00 mL');
  });
});
