/**
 * Lesion-wise results in the exports: the report CSV's `lesions.*` columns, the lesion CSV
 * (`concord metrics --lesions-csv`) and the PDF's lesion section (pdftotext), on the scipy
 * cross-check fixture (tests/fixtures/lesions).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readNiftiLabels } from '@concord/core';
import { buildReport, computeMetrics, type StructureLesions } from '@concord/metrics';
import {
  LESION_TABLE_COLUMNS,
  writeReportCsv,
  writeReportLesionCsv,
  writeReportPdf,
} from '@concord/reports';
import { runConcord } from '../../helpers/concord.ts';

const FIXTURES = path.resolve('tests/fixtures/lesions');
const REF = path.join(FIXTURES, 'reference.nii.gz');
const PRED = path.join(FIXTURES, 'prediction.nii.gz');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
  configs: { connectivity: number; match: string; lesions: Record<string, StructureLesions> }[];
};
const want = expected.configs.find((c) => c.connectivity === 26 && c.match === 'iou')!.lesions;

const rowsOf = (csv: string) =>
  csv
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));

describe('lesion-wise exports', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-lesions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const result = computeMetrics(
    readNiftiLabels(readFileSync(REF)),
    readNiftiLabels(readFileSync(PRED)),
    { instances: { labels: [2, 3, 4] } },
  );
  const report = buildReport({
    result,
    reference: { kind: 'nifti', source: 'reference.nii.gz' },
    prediction: { kind: 'nifti', source: 'prediction.nii.gz' },
  });

  it('puts the detection summary into the report CSV and every lesion into the lesion CSV', () => {
    const [head, ...rows] = rowsOf(writeReportCsv(report));
    expect(head).not.toContain('lesions');
    const col = (name: string) => head.indexOf(name);
    expect(col('volumeSimilarity')).toBeGreaterThan(0);
    expect(col('centroidOffsetMm')).toBeGreaterThan(0);
    for (const r of rows) {
      const label = r[col('label')];
      const w = want[label];
      if (['2', '3', '4'].includes(label)) {
        expect(Number(r[col('lesions.tp')]), label).toBe(w.tp);
        expect(Number(r[col('lesions.fp')]), label).toBe(w.fp);
        expect(Number(r[col('lesions.fn')]), label).toBe(w.fn);
        expect(r[col('lesions.pq')], label).toBe(w.pq === null ? '' : String(w.pq));
      } else expect(r[col('lesions.tp')], label).toBe('');
    }
    const [lhead, ...lrows] = rowsOf(writeReportLesionCsv(report)!);
    expect(lhead).toEqual([...LESION_TABLE_COLUMNS]);
    const kinds = lrows.map((r) => `${r[0]}:${r[2]}:${r[3]}:${r[4]}`);
    const wantKinds = ['2', '3', '4'].flatMap((l) =>
      want[l].lesions.map((x) => `${l}:${x.kind}:${x.reference ?? ''}:${x.prediction ?? ''}`),
    );
    expect(kinds).toEqual(wantKinds);
    // no lesion table without instance structures
    expect(
      writeReportLesionCsv({
        ...report,
        structures: report.structures.map(({ lesions: _, ...s }) => s),
      }),
    ).toBeNull();
  });

  it('writes a lesion section per instance structure into the PDF', async () => {
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, await writeReportPdf({ report }));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const l of [2, 3, 4]) expect(text).toContain(`Lesions: ${l} Label ${l}`);
    expect(text).not.toContain('Lesions: 1 Label 1');
    // label 4: TP 1, FP 1, FN 1 and one row of each kind
    expect(text).toMatch(/TP 1, FP 1, FN 1; precision 0\.5000, recall\s+0\.5000/);
    expect(text).toMatch(/missed \(FN\)\s+2\s+0\.016\s+0\.000/);
    expect(text).toContain('missed (FN)');
    expect(text).toContain('false (FP)');
    expect(text).toMatch(/VS\s+Centr\. mm/);
  });

  it('concord metrics --instances --lesions-csv writes both files', async () => {
    const out = path.join(dir, 'report.json');
    const lesions = path.join(dir, 'lesions.csv');
    const run = await runConcord([
      'metrics',
      '--reference',
      REF,
      '--prediction',
      PRED,
      '--instances',
      '3',
      '--connectivity',
      '6',
      '--lesion-match',
      'overlap',
      '--out',
      out,
      '--lesions-csv',
      lesions,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as typeof report;
    const three = json.structures.find((s) => s.label === 3)!.lesions!;
    const w = expected.configs.find((c) => c.connectivity === 6 && c.match === 'overlap')!.lesions[
      '3'
    ];
    expect([three.tp, three.fp, three.fn, three.pq]).toEqual([w.tp, w.fp, w.fn, w.pq]);
    expect(rowsOf(readFileSync(lesions, 'utf8')).length).toBe(1 + w.lesions.length);
    const usage = await runConcord([
      'metrics',
      '--reference',
      REF,
      '--prediction',
      PRED,
      '--lesion-match',
      'iou',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('need --instances');
  });
});
