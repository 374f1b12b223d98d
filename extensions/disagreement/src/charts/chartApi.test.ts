// @vitest-environment happy-dom
// (happy-dom for DOMParser's XML parse of the standalone SVG)
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { volumetricBias } from '@concord/metrics';
import { createChartApi } from './chartApi.ts';

// the chart worker's DOM (linkedom), here in Node
const workerDocument = parseHTML('<!doctype html><html><head></head><body></body></html>')
  .document as unknown as Document;
const api = createChartApi(workerDocument);

/**
 * The markup parsed as HTML, as the page's template does. With linkedom here: happy-dom's
 * parser drops everything after an SVG's `<style>`; Chromium's parse of the same markup is
 * what the e2e tests click on (slice-profile bars, the reliability chart).
 */
function parse(markup: string): Element {
  const { document } = parseHTML(`<!doctype html><html><body>${markup}</body></html>`);
  return document.body.firstElementChild as unknown as Element;
}

const HOSTILE = '<img src=x onerror=alert(1)>Frontal</title><script>alert(2)</script>';
const rows = volumetricBias([
  {
    model: 'ce <b>',
    structures: [
      { label: 1, name: HOSTILE, volumeRefMl: 10, volumePredMl: 11, volumeSoftMl: 10.4 },
      { label: 2, name: 'Occipital', volumeRefMl: 5, volumePredMl: 4, volumeSoftMl: null },
    ],
  },
]);

describe('chart worker API (Observable Plot against linkedom)', () => {
  it('slice profile: the page gets an SVG whose bars carry their 0-based slice', () => {
    const markup = api.markup({
      kind: 'sliceProfile',
      profile: { axis: 2, fp: [0, 3, 0, 9], fn: [1, 0, 0, 2] },
      options: { width: 320 },
    });
    expect(markup).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const svg = parse(markup);
    expect(svg.namespaceURI).toBe('http://www.w3.org/2000/svg');
    const slices = [...svg.querySelectorAll('rect[data-slice]')].map((r) =>
      r.getAttribute('data-slice'),
    );
    expect(slices.sort()).toEqual(['0', '1', '3', '3']);
    expect(svg.querySelector('title')?.textContent).toMatch(/^slice \d: \d+ F[PN] voxels$/);
  });

  it('volume bias: bars and legend; structure and model names stay text', () => {
    const figure = parse(api.markup({ kind: 'volumeBias', rows }));
    // reference, hard, soft for structure 1; reference and hard for structure 2
    expect(figure.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(5);
    expect(figure.querySelector('script, img')).toBeNull();
    const titles = [...figure.querySelectorAll('title')].map((t) => t.textContent);
    expect(titles).toContain(`${HOSTILE}, reference: 10.00 mL`);
    expect(figure.textContent).toContain('ce <b> hard');
  });

  it('volume bias as a download: one standalone SVG with the legend drawn in it', () => {
    const markup = api.markup({
      kind: 'volumeBiasSvg',
      rows,
      options: { width: 680, height: 360 },
    });
    // a valid XML document on its own (what an SVG file and the PNG conversion read)
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.tagName.toLowerCase()).toBe('svg');
    expect([root.getAttribute('width'), root.getAttribute('height')]).toEqual(['680', '382']);
    const legend = [...root.children]
      .filter((e) => e.tagName.toLowerCase() === 'text')
      .map((e) => e.textContent);
    expect(legend).toEqual(['reference', 'ce <b> hard', 'ce <b> soft']);
    expect(root.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(5);
    expect(root.querySelector('script, img')).toBeNull();
  });

  it('reliability: one dot per non-empty bin', () => {
    const svg = parse(
      api.markup({
        kind: 'reliability',
        bins: [
          { count: 10, meanConfidence: 0.1, observedFrequency: 0.2 },
          { count: 0, meanConfidence: null, observedFrequency: null },
          { count: 4, meanConfidence: 0.9, observedFrequency: 0.75 },
        ],
      }),
    );
    expect(svg.querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(2);
  });
});
