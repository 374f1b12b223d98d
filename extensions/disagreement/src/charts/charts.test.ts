// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chartToSvgText, FP_COLOR, sliceProfileChart, volumeBiasChart } from './index.ts';
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
});
