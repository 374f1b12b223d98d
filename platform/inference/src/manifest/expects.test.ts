import { describe, expect, it } from 'vitest';
import { expectationMismatches } from './expects.ts';

const T1_BRAIN = { modality: 'MR', bodyPart: 'HEAD', description: 'T1' };

describe('expectationMismatches (manifest `expects`)', () => {
  it('accepts the series the models were trained on (the Colin27 T1 sample)', () => {
    expect(
      expectationMismatches(T1_BRAIN, {
        Modality: 'MR',
        BodyPartExamined: 'HEAD',
        SeriesDescription: 'Colin27 T1 1.5mm axial',
      }),
    ).toEqual([]);
  });
  it('names the description that differs (a PD series) and ignores an absent body part', () => {
    expect(
      expectationMismatches(T1_BRAIN, { Modality: 'MR', SeriesDescription: 'FSE PD AXIAL OBL' }),
    ).toEqual(['it was trained on “T1” series; this one is “FSE PD AXIAL OBL”']);
  });
  it('names another modality and another body part', () => {
    expect(
      expectationMismatches(T1_BRAIN, {
        Modality: 'CT',
        BodyPartExamined: 'CHEST',
        SeriesDescription: 't1 like',
      }),
    ).toEqual([
      'it was trained on MR images; this series is CT',
      'it was trained on the head; this series shows the chest',
    ]);
  });
  it('says nothing without `expects`', () => {
    expect(expectationMismatches(undefined, { Modality: 'CT' })).toEqual([]);
  });
});
