import { describe, expect, it } from 'vitest';
import { worstSlice } from './keySlices.ts';

describe('worstSlice', () => {
  it('finds the axial slice with the most disagreeing voxels of one structure', () => {
    // 2 x 2 x 3: slice 1 has two voxels of label 1 the prediction misses, slice 2 one FP;
    // label 2 disagreeing everywhere must not count
    const ref = [1, 0, 2, 0, 1, 1, 2, 0, 0, 0, 2, 0];
    const pred = [1, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0, 2];
    expect(worstSlice(ref, pred, [2, 2, 3], 1)).toEqual({ k: 1, voxels: 2 });
    expect(worstSlice(ref, ref, [2, 2, 3], 1).voxels).toBe(0);
  });
});
