/** DICOM outputs validated by dicom3tools' dciodvfy (Debian): no "Error" lines allowed. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMeasurementReportSr, writeMeasurementReportSr } from '@concord/reports';
import { dciodvfy } from './dciodvfy.ts';
import { srInput } from '@concord/reports/testing';

describe('DICOM SR (TID 1500) with dciodvfy', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-sr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates without errors and reads back the numbers', () => {
    const input = srInput();
    // untrusted strings: Unicode, control characters, an over-long name
    input.report.structures[0] = {
      ...input.report.structures[0],
      name: 'Thalamus gauche é 海马 \u0007' + 'x'.repeat(80),
    };
    input.patientStudy.patientName = 'Müller^José';
    const sr = writeMeasurementReportSr(input, { now: new Date('2026-11-22T07:00:00') });
    const file = path.join(dir, 'sr.dcm');
    writeFileSync(file, sr.bytes);
    const v = dciodvfy(file);
    expect(v.output).toContain('EnhancedSR');
    expect(v.errors, v.output).toEqual([]);
    const doc = readMeasurementReportSr(sr.bytes);
    expect(doc.groups.map((g) => g.values.dice)).toEqual(
      input.report.structures.filter((s) => s.label !== 3).map((s) => s.dice),
    );
    expect(doc.groups[0].trackingIdentifier).toContain('海马');
    expect(doc.groups[0].trackingIdentifier).not.toContain('\u0007');
  });
});
