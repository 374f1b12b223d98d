import { describe, expect, it } from 'vitest';
import type { Grid } from '@concord/core';
import { labelmapWarning } from './provenance.ts';

const series: Grid = {
  dims: [10, 12, 8],
  spacing: [1, 1, 2],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  frameOfReferenceUID: '1.2.3',
};

describe('labelmapWarning', () => {
  it('accepts the series grid, also stored flipped along x', () => {
    expect(labelmapWarning(series, series, 'a.nii')).toBeNull();
    const flipped: Grid = {
      ...series,
      origin: [9, 0, 0],
      direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
      frameOfReferenceUID: undefined,
    };
    expect(labelmapWarning(flipped, series, 'a.nii')).toBeNull();
  });
  it('warns about another field of view (resampled) and names the file', () => {
    const moved: Grid = { ...series, origin: [0, 20, 0], frameOfReferenceUID: undefined };
    expect(labelmapWarning(moved, series, 'other.nii')).toMatch(
      /^other\.nii covers another field of view than this series \(its corners are up to 20\.0 mm away\)/,
    );
  });
  it('warns about another frame of reference', () => {
    expect(labelmapWarning({ ...series, frameOfReferenceUID: '9.9' }, series, 'x.dcm')).toMatch(
      /another frame of reference/,
    );
  });
});
