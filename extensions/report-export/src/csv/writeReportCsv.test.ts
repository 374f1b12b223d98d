import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { EvaluationReport } from '../report/types.ts';
import { csvField, writeReportCsv } from './writeReportCsv.ts';

const report = JSON.parse(
  readFileSync(
    new URL('../../../../tests/fixtures/report-export/report-v1.json', import.meta.url),
    'utf8',
  ),
) as EvaluationReport;

/** Minimal RFC 4180 parser, to check that what we write reads back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('writeReportCsv', () => {
  it('writes a header with the report column names and one row per structure', () => {
    const rows = parseCsv(writeReportCsv(report));
    expect(rows[0]).toEqual([
      'label',
      'name',
      'status',
      'tp',
      'fp',
      'fn',
      'dice',
      'jaccard',
      'precision',
      'recall',
      'specificity',
      'volumeRefMl',
      'volumePredMl',
      'volumeSoftMl',
      'volumeDiffMl',
      'volumeDiffPct',
      'hd',
      'hd95',
      'assd',
      'nsd@1',
      'nsd@2',
      'softDice',
    ]);
    expect(rows).toHaveLength(1 + report.structures.length);
    const first = Object.fromEntries(rows[0].map((c, i) => [c, rows[1][i]]));
    expect(Number(first.dice)).toBe(report.structures[0].dice);
    expect(first['nsd@2']).toBe('0.97');
    // null (undefined ratio / distance) is an empty cell
    const third = Object.fromEntries(rows[0].map((c, i) => [c, rows[3][i]]));
    expect(third.precision).toBe('');
    expect(third.hd95).toBe('');
    expect(third.name).toBe('Cerebellum, left');
  });

  it('neutralises formula injection in strings but keeps negative numbers numeric', () => {
    const text = writeReportCsv(report);
    const rows = parseCsv(text);
    const second = Object.fromEntries(rows[0].map((c, i) => [c, rows[2][i]]));
    expect(second.name).toBe('\'=HYPERLINK("http://x","y")');
    expect(second.volumeDiffMl).toBe('-0.12');
    expect(text).not.toMatch(/(^|,)"?[=+@]/m);
    for (const bad of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvField(bad).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('uses CRLF line ends and quotes fields with commas, quotes and newlines', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('nul\u0000byte')).toBe('nulbyte');
    const text = writeReportCsv(report);
    expect(text.split('\r\n')).toHaveLength(report.structures.length + 2);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\r(?!x)/);
  });

  it('is de-identified by default and includes patient data only with includePhi', () => {
    const patient = { name: 'Doe^Jane', id: 'PID-42', birthDate: '19700101' };
    const plain = writeReportCsv(report, { patient });
    expect(plain).not.toContain('Doe');
    expect(plain).not.toContain('PID-42');
    expect(plain).not.toContain('19700101');
    const phi = parseCsv(writeReportCsv(report, { patient, includePhi: true }));
    expect(phi[0].slice(0, 3)).toEqual(['patientName', 'patientId', 'patientBirthDate']);
    expect(phi[1].slice(0, 3)).toEqual(['Doe^Jane', 'PID-42', '19700101']);
  });

  it('writes UTF-8 text unchanged and an optional BOM', () => {
    const r = {
      ...report,
      structures: [{ ...report.structures[0], name: 'Hippocampus gauche é 海马' }],
    };
    expect(writeReportCsv(r)).toContain('Hippocampus gauche é 海马');
    expect(writeReportCsv(r, { bom: true }).charCodeAt(0)).toBe(0xfeff);
  });
});
