import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@concord/core';
import { SEG_UID, srInput } from '../testing/srFixture.ts';
import { dsString } from '@concord/core';
import { readMeasurementReportSr } from './readMeasurementReportSr.ts';
import { writeMeasurementReportSr } from './writeMeasurementReportSr.ts';

describe('TID 1500 SR', () => {
  it('round-trips every per-structure number exactly, with units and segment references', () => {
    const input = srInput();
    const sr = writeMeasurementReportSr(input);
    expect(sr.labels).toEqual([1, 2]);
    expect(sr.skippedLabels).toEqual([3]); // no segment for the both-empty structure
    const doc = readMeasurementReportSr(sr.bytes);
    expect(doc.sopInstanceUID).toBe(sr.sopInstanceUID);
    expect(doc.templateIdentifier).toBe('1500');
    expect(doc.deviceObserverModelName).toBe('tiny-unet 1.0.0');
    expect(doc.groups).toHaveLength(2);
    for (const g of doc.groups) {
      const s = input.report.structures.find((x) => x.label === g.label)!;
      expect(g.segment).toEqual({
        sopClassUID: '1.2.840.10008.5.1.4.1.1.66.4',
        sopInstanceUID: SEG_UID,
        segmentNumber: s.label,
      });
      expect(g.sourceSeriesInstanceUID).toBe(input.source.seriesInstanceUID);
      expect(g.values).toEqual({
        dice: s.dice,
        jaccard: s.jaccard,
        hd95: s.hd95,
        assd: s.assd,
        volumePredMl: s.volumePredMl,
        volumeRefMl: s.volumeRefMl,
      });
      expect(g.units).toEqual({
        dice: '{ratio}',
        jaccard: '{ratio}',
        hd95: 'mm',
        assd: 'mm',
        volumePredMl: 'ml',
        volumeRefMl: 'ml',
      });
    }
  });

  it('leaves out undefined distances instead of inventing numbers', () => {
    const input = srInput();
    input.report.structures[1] = { ...input.report.structures[1], hd95: null, assd: null };
    const doc = readMeasurementReportSr(writeMeasurementReportSr(input).bytes);
    expect(doc.groups[1].values.hd95).toBeUndefined();
    expect(doc.groups[1].values.dice).toBe(input.report.structures[1].dice);
  });

  it('writes decimal strings of at most 16 characters (exact value in FloatingPointValue)', () => {
    for (const v of [0.7391304347826086, -1.2345678901234567e-12, 123456789012345680, 2, -0.5]) {
      const s = dsString(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-6);
    }
  });

  it('rejects files that are not a measurement report', () => {
    expect(() => readMeasurementReportSr(new Uint8Array(200))).toThrow(InvalidInputError);
  });
});
