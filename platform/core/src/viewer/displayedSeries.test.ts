import { describe, expect, it } from 'vitest';
import type { Volume } from '../geometry/index.ts';
import { displayedSeries, instanceOf } from './displayedSeries.ts';

const volume: Volume = {
  dims: [2, 2, 2],
  spacing: [1, 1, 2],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  data: new Int16Array(8),
};

describe('displayedSeries', () => {
  it('coerces manifest strings (DS/IS as text) to what the SEG writer reads', () => {
    const m = instanceOf({
      SOPInstanceUID: '1.2.3',
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.4',
      ImagePositionPatient: '0\\0\\2',
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: '1\\1',
      NumberOfFrames: '1',
      PatientName: 'Doe^Jane',
    });
    expect(m.ImagePositionPatient).toEqual([0, 0, 2]);
    expect(m.PixelSpacing).toEqual([1, 1]);
    expect(m.NumberOfFrames).toBe(1);
    expect(m.PatientName).toBe('Doe^Jane');
    expect(m.PatientID).toBeUndefined();
  });
  it('drops functions a viewer keeps in its metadata, so that a worker can receive it', () => {
    const retrieveBulkData = () => Promise.resolve(new ArrayBuffer(0));
    const m = instanceOf({
      SOPInstanceUID: '1.2.3',
      PixelData: { BulkDataURI: 'http://pacs/bulk/1', retrieveBulkData },
      ReferencedSeriesSequence: [{ SeriesInstanceUID: '1.2', load: retrieveBulkData }],
      getRawMetadata: retrieveBulkData,
    });
    expect(() => structuredClone(m)).not.toThrow();
    expect(m).toMatchObject({
      PixelData: { BulkDataURI: 'http://pacs/bulk/1' },
      ReferencedSeriesSequence: [{ SeriesInstanceUID: '1.2' }],
    });
    expect('getRawMetadata' in m).toBe(false);
  });
  it('keeps slice order and the UIDs of the instances', () => {
    const s = displayedSeries(
      volume,
      [0, 1].map((k) => ({
        SOPInstanceUID: `1.2.${k}`,
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.4',
        StudyInstanceUID: '9.8',
        SeriesInstanceUID: '9.8.7',
        ImagePositionPatient: [0, 0, 2 * k],
      })),
      'fallback-study',
      'fallback-series',
    );
    expect(s.sopInstanceUIDs).toEqual(['1.2.0', '1.2.1']);
    expect(s.slices.map((x) => x.position[2])).toEqual([0, 2]);
    expect(s.studyInstanceUID).toBe('9.8');
    expect(s.seriesInstanceUID).toBe('9.8.7');
    expect(s.sopClassUID).toBe('1.2.840.10008.5.1.4.1.1.4');
    expect(s.volume).toBe(volume);
  });
});
