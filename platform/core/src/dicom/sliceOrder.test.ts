import { describe, expect, it } from 'vitest';
import { sliceNormal, sortSlices, type SliceGeometry } from './sliceOrder.ts';

const items = (s: (SliceGeometry & { item: string })[]) => sortSlices(s).map((e) => e.item);

describe('sortSlices (the slice order of the reader and the viewer)', () => {
  it('orders slices along the slice normal, not by InstanceNumber', () => {
    const axial = [1, 0, 0, 0, 1, 0];
    expect(
      items([
        { item: 'b', position: [0, 0, 5], orientation: axial, instanceNumber: 1 },
        { item: 'c', position: [0, 0, 10], orientation: axial, instanceNumber: 2 },
        { item: 'a', position: [0, 0, -3], orientation: axial, instanceNumber: 3 },
      ]),
    ).toEqual(['a', 'b', 'c']);
  });

  it('uses the oblique normal (row x column)', () => {
    // row along y, column along z: normal along +x
    const o = [0, 1, 0, 0, 0, 1];
    expect(sliceNormal(o)).toEqual([1, 0, 0]);
    expect(
      items([
        { item: 'x2', position: [2, 9, 9], orientation: o },
        { item: 'x1', position: [1, -9, 0], orientation: o },
      ]),
    ).toEqual(['x1', 'x2']);
  });

  it("takes the normal of the first slice's orientation and keeps equal positions in order", () => {
    const axial = [1, 0, 0, 0, 1, 0];
    const sagittal = [0, 1, 0, 0, 0, 1];
    // ordered along z (the first slice's normal), not along x
    expect(
      items([
        { item: 'z9', position: [0, 0, 9], orientation: axial },
        { item: 'z1', position: [5, 0, 1], orientation: sagittal },
        { item: 'z5a', position: [1, 0, 5], orientation: axial },
        { item: 'z5b', position: [-1, 0, 5], orientation: axial },
      ]),
    ).toEqual(['z1', 'z5a', 'z5b', 'z9']);
  });

  it('falls back to InstanceNumber without geometry', () => {
    expect(
      items([
        { item: 'two', instanceNumber: 2 },
        { item: 'one', instanceNumber: 1 },
      ]),
    ).toEqual(['one', 'two']);
    // one slice without a position: no geometric order for the series
    expect(
      items([
        { item: 'two', instanceNumber: 2, position: [0, 0, 1], orientation: [1, 0, 0, 0, 1, 0] },
        { item: 'one', instanceNumber: 1 },
      ]),
    ).toEqual(['one', 'two']);
  });
});
