import { describe, expect, it } from 'vitest';
import { defaultImageSeries, isImageSeries } from './imageSeries.ts';

const s = (SeriesInstanceUID: string, Modality: string, NumInstances: number) => ({
  SeriesInstanceUID,
  Modality,
  NumInstances,
});

describe('image series rule', () => {
  it('segmentations, reports and states are not image series', () => {
    for (const m of ['SEG', 'SR', 'PR', 'RTSTRUCT', 'KO', 'DOC'])
      expect(isImageSeries({ Modality: m })).toBe(false);
    for (const m of ['MR', 'CT', 'PT', 'OT']) expect(isImageSeries({ Modality: m })).toBe(true);
  });
  it('opens the image series with the most instances, never a SEG with more', () => {
    const list = [s('1', 'MR', 20), s('2', 'SEG', 500), s('3', 'CT', 120), s('4', 'SR', 1)];
    expect(defaultImageSeries(list)?.SeriesInstanceUID).toBe('3');
  });
  it('keeps the first listed of equally long series', () => {
    expect(defaultImageSeries([s('a', 'MR', 30), s('b', 'MR', 30)])?.SeriesInstanceUID).toBe('a');
  });
  it('finds none in a study without images', () => {
    expect(defaultImageSeries([s('1', 'SEG', 3), s('2', 'SR', 1)])).toBeUndefined();
    expect(defaultImageSeries([])).toBeUndefined();
  });
});
