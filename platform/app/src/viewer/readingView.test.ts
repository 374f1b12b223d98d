import { describe, expect, it } from 'vitest';
import {
  centreSlice,
  directionLetters,
  edgeMarkers,
  layerOf,
  slicePositionMm,
  structuresAt,
} from './readingView.ts';

describe('reading view', () => {
  it('puts radiological letters on an axial image (patient left on the screen right)', () => {
    // axial stack as Cornerstone shows it: viewUp = -y (anterior up), normal = -z towards viewer?
    // image rows along +x (L), columns along +y (P): normal = x × y = +z (S); the camera looks
    // from the feet, so viewPlaneNormal = -z … the letters follow the vectors whatever the sign
    const m = edgeMarkers([0, -1, 0], [0, 0, -1]);
    expect(m).toEqual({ top: 'A', bottom: 'P', right: 'L', left: 'R' });
  });
  it('names oblique directions by their main components', () => {
    expect(directionLetters([0.8, -0.5, 0.1])).toBe('LA');
    expect(directionLetters([0, 0, -1])).toBe('I');
  });
  it('gives the slice position along the normal in mm', () => {
    expect(slicePositionMm([10, 20, -35.5], [1, 0, 0, 0, 1, 0])).toBeCloseTo(-35.5, 9);
  });
  it('finds a structure’s centre slice (mean k of its voxels)', () => {
    const dims = [2, 1, 5] as const;
    const data = [0, 0, 3, 0, 3, 3, 3, 0, 0, 0];
    // label 3: one voxel at k=1, two at k=2, one at k=3 -> mean 2
    expect(centreSlice(data, dims, 3)).toBe(2);
    expect(centreSlice(data, dims, 9)).toBeNull();
  });
  it('lists every structure at a voxel across overlap layers', () => {
    const layer0 = Uint8Array.from([0, 1, 2, 0]);
    const layer1 = Uint8Array.from([0, 3, 0, 0]);
    expect(structuresAt([layer0, layer1], 1)).toEqual([1, 3]);
    expect(structuresAt([layer0, layer1], 2)).toEqual([2]);
    expect(structuresAt([layer0, layer1], 3)).toEqual([]);
    expect(layerOf([{ label: 3, name: 'x', layer: 1 }], 3)).toBe(1);
    expect(layerOf([{ label: 3, name: 'x' }], 3)).toBe(0);
  });
});
