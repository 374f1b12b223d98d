import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../testing/syntheticCase.ts';
import { csvField, writeReportCsv } from './writeReportCsv.ts';

const report = syntheticReport();

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
  it('writes the report column names and one row per structure, like the metrics CSV', () => {
    const rows = parseCsv(writeReportCsv(report));
    // the JSON report's structure field names (docs/report.md), NSD flattened per tolerance
    const fields = Object.keys(report.structures[0]).filter((k) => k !== 'nsd');
    expect(rows[0]).toEqual(expect.arrayContaining(fields));
    expect(rows[0].slice(0, 3)).toEqual(['label', 'name', 'status']);
    // the exact header, in the order the CSV has always had (read from the METRICS registry)
    expect(rows[0].join(',')).toBe(
      'label,name,status,tp,fp,fn,tn,dice,jaccard,precision,recall,specificity,volumeRefMl,' +
        'volumePredMl,volumeSoftMl,volumeDiffMl,volumeDiffPct,volumeSimilarity,hd,hd95,assd,' +
        'centroidOffsetMm,nsd@1,nsd@2,softDice,' +
        // calibration, uncertainty and surrogate losses (docs/calibration.md), with probabilities
        'ece,brier,uncertainFpShare,uncertainFnShare,softDiceLoss,softJaccardLoss,lovaszLoss,' +
        'ceLoss,weightedCeLoss,tverskyLoss,regionLoss,' +
        'surfaceRefVoxels,surfacePredVoxels',
    );
    expect(rows[0]).toEqual(expect.arrayContaining(['label', 'name', 'status', 'dice', 'hd95']));
    expect(rows[0]).toContain('nsd@1');
    expect(rows[0]).toContain('volumeSoftMl');
    expect(rows).toHaveLength(1 + report.structures.length);
    report.structures.forEach((s, r) => {
      const row = Object.fromEntries(rows[0].map((c, i) => [c, rows[r + 1][i]]));
      expect(Number(row.dice)).toBe(s.dice);
      expect(Number(row.volumeDiffMl)).toBe(s.volumeDiffMl);
      expect(row['nsd@2']).toBe(s.nsd['2'] === null ? '' : String(s.nsd['2']));
      // null (undefined ratio / distance) is an empty cell
      expect(row.hd95).toBe(s.hd95 === null ? '' : String(s.hd95));
    });
    const third = Object.fromEntries(rows[0].map((c, i) => [c, rows[3][i]]));
    expect(third.status).toBe('both-empty');
    expect(third.name).toBe('Cerebellum, left');
  });

  it('neutralises formula injection in strings but keeps negative numbers numeric', () => {
    const text = writeReportCsv(report);
    const rows = parseCsv(text);
    const second = Object.fromEntries(rows[0].map((c, i) => [c, rows[2][i]]));
    expect(second.name).toBe('\'=cmd|"/c calc"!A1 Ω');
    expect(report.structures[1].volumeDiffMl).toBeLessThan(0);
    expect(second.volumeDiffMl).toBe(String(report.structures[1].volumeDiffMl));
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
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(report.structures.length + 2);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
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
