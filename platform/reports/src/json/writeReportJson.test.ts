import { describe, expect, it } from 'vitest';
import { isValidReport } from '@concord/metrics';
import { syntheticReport } from '../testing/syntheticCase.ts';
import { ReportSchemaError, writeReportJson } from './writeReportJson.ts';

describe('writeReportJson', () => {
  const report = syntheticReport();

  it('writes JSON that parses back to the report and validates against the schema', () => {
    const text = writeReportJson(report);
    const back = JSON.parse(text);
    expect(isValidReport(back)).toBe(true);
    expect(back).toEqual(report);
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it('escapes untrusted strings as JSON (no raw control characters)', () => {
    const r = structuredClone(report);
    r.structures[0].name = 'evil\u0000"\n</script>';
    const text = writeReportJson(r);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(JSON.parse(text).structures[0].name).toBe('evil\u0000"\n</script>');
  });

  it('refuses a report that breaks the contract', () => {
    const bad = structuredClone(report);
    bad.structures[0].dice = 2;
    expect(() => writeReportJson(bad)).toThrow(ReportSchemaError);
    const extra = { ...report, patient: { name: 'Doe^Jane' } };
    expect(() => writeReportJson(extra)).toThrow(/concord.report\/v1/);
  });
});
