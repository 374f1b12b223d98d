import { describe, expect, it } from 'vitest';
import { DISAGREEMENT_COLORS, DisagreementClass } from '@concord/metrics';
import { syntheticCase, SYNTHETIC_LABELS } from '../testing/syntheticCase.ts';
import { autoWindow, magnificationFor, renderSlice } from './renderSlice.ts';

describe('renderSlice', () => {
  const c = syntheticCase();
  const [nx, ny] = c.grid.dims;
  const k = 6;
  const window = autoWindow(c.image);

  const grey = (i: number, j: number) => {
    const v = c.image.data[k * nx * ny + j * nx + i];
    const lo = window.center - window.width / 2;
    return Math.round(255 * Math.min(1, Math.max(0, (v - lo) / window.width)));
  };

  it('window/levels the image to grey and magnifies by pixel replication', () => {
    const img = renderSlice(c, k, { overlay: 'none', window, scale: 3 });
    expect([img.width, img.height, img.channels]).toEqual([nx * 3, ny * 3, 3]);
    for (const [i, j] of [
      [0, 0],
      [10, 20],
      [nx - 1, ny - 1],
    ]) {
      for (const [dx, dy] of [
        [0, 0],
        [2, 2],
      ]) {
        const o = ((j * 3 + dy) * img.width + i * 3 + dx) * 3;
        expect([...img.data.subarray(o, o + 3)]).toEqual([grey(i, j), grey(i, j), grey(i, j)]);
      }
    }
  });

  it('blends the structure colour over the reference voxels and the class colour over errors', () => {
    const alpha = 0.5;
    const ref = renderSlice(c, k, { overlay: 'reference', window, alpha });
    const classes = new Uint8Array(nx * ny).fill(DisagreementClass.FalsePositiveGross);
    const dis = renderSlice(c, k, { overlay: 'disagreement', window, alpha, classes });
    let labelled = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const label = c.reference.data[k * nx * ny + j * nx + i];
        const o = (j * nx + i) * 3;
        const g = grey(i, j);
        const want = label
          ? SYNTHETIC_LABELS[label - 1].color.map((x) => Math.round(alpha * g + alpha * x))
          : [g, g, g];
        expect([...ref.data.subarray(o, o + 3)]).toEqual(want);
        const fp = DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross];
        expect([...dis.data.subarray(o, o + 3)]).toEqual(
          fp.map((x) => Math.round(alpha * g + alpha * x)),
        );
        if (label) labelled++;
      }
    }
    expect(labelled).toBeGreaterThan(50);
  });

  it('checks its inputs', () => {
    expect(() => renderSlice(c, c.grid.dims[2], { overlay: 'none' })).toThrow(RangeError);
    expect(() => renderSlice(c, 0, { overlay: 'disagreement' })).toThrow(/one class per pixel/);
    expect(magnificationFor([512, 512])).toBe(1);
    expect(magnificationFor([40, 36])).toBe(6);
  });
});
