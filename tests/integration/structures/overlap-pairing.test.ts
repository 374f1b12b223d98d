/**
 * Structure sets written by other tools (tests/fixtures/structures/make_fixtures.py: pydicom,
 * nibabel, numpy): overlapping segments are evaluated each on its own mask, and segments are
 * paired by meaning (code, then name), never silently by number (docs/structures.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  alignToReference,
  labelLayers,
  readDicomSeg,
  readDicomSeries,
  readNiftiLabels,
  type DicomSeriesResult,
  type LabelVolume,
} from '@concord/core';
import { buildReport, computeMetrics, type EvaluationReport } from '@concord/metrics';
import { writeReportPdf } from '@concord/reports';

const F = path.resolve('tests/fixtures/structures');
const SERIES = path.resolve('tests/fixtures/io/dicom/ct-axial');
const BIN = path.resolve('platform/cli/bin/concord.mjs');
const expected = JSON.parse(readFileSync(path.join(F, 'expected.json'), 'utf8')) as {
  names: string[];
  voxels: Record<string, number>;
  overlaps: Record<string, number>;
  anyVoxel: number;
};
const bytes = (name: string) => new Uint8Array(readFileSync(path.join(F, name)));

let series: DicomSeriesResult;
beforeAll(async () => {
  series = await readDicomSeries(
    readdirSync(SERIES).map((n) => ({
      name: n,
      bytes: new Uint8Array(readFileSync(path.join(SERIES, n))),
    })),
  );
});

/** Voxels of structure `label` (on its own layer). */
function voxelsOf(v: LabelVolume, label: number): number {
  const layer = labelLayers(v)[v.labels?.find((l) => l.label === label)?.layer ?? 0];
  let n = 0;
  for (let o = 0; o < layer.length; o++) if (layer[o] === label) n++;
  return n;
}

function concord(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('overlapping segments', () => {
  it('the SEG reader keeps every segment whole, overlaps on further layers', () => {
    const seg = readDicomSeg(bytes('overlap-seg.dcm'), series);
    expect(seg.overlapping).toBe(true);
    expect(seg.labels.overlapLayers?.length).toBeGreaterThan(0);
    expected.names.forEach((name, t) => {
      expect(seg.segments[t].name).toBe(name);
      expect(voxelsOf(seg.labels, t + 1)).toBe(expected.voxels[name]);
    });
  });

  it('the 4D NIfTI of the same masks reads as the same structure set', () => {
    const nii = readNiftiLabels(bytes('overlap-masks.nii.gz'));
    expected.names.forEach((name, t) => expect(voxelsOf(nii, t + 1)).toBe(expected.voxels[name]));
  });

  it('SEG vs its copy as a 4D NIfTI: every structure exact (Dice 1, TP = its voxels)', () => {
    const seg = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const nii = alignToReference(readNiftiLabels(bytes('overlap-masks.nii.gz')), seg);
    const r = computeMetrics(seg, nii, { match: 'number' });
    expect(r.structures.map((s) => s.dice)).toEqual([1, 1, 1, 1, 1]);
    expect(r.structures.map((s) => s.tp)).toEqual(expected.names.map((n) => expected.voxels[n]));
    expect(r.structures.map((s) => s.hd)).toEqual([0, 0, 0, 0, 0]);
    expect(r.overlap).toEqual({ reference: true, prediction: true });
  });

  it('the confusion matrix counts a voxel once per structure it is in, row 0 = in none', () => {
    const seg = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const { confusion } = computeMetrics(seg, seg);
    const at = (r: number, p: number) =>
      confusion.counts[confusion.labels.indexOf(r)][confusion.labels.indexOf(p)];
    const [liver, lesion, kidney, , tumour] = expected.names;
    expect(at(1, 1)).toBe(expected.voxels[liver]);
    expect(at(1, 2)).toBe(expected.overlaps[`${liver} & ${lesion}`]);
    expect(at(2, 1)).toBe(expected.overlaps[`${liver} & ${lesion}`]);
    expect(at(3, 5)).toBe(expected.overlaps[`${kidney} & ${tumour}`]);
    expect(at(2, 3)).toBe(0);
    expect(at(0, 0)).toBe(16 * 12 * 6 - expected.anyVoxel);
    expect(at(1, 0)).toBe(0);
  });
});

describe('pairing by meaning', () => {
  it('a SEG numbered differently pairs by code to Dice 1 (lesions told apart by anatomic region)', () => {
    const ref = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const pred = readDicomSeg(bytes('permuted-seg.dcm'), series).labels;
    const r = computeMetrics(ref, pred);
    expect(r.structures.map((s) => [s.label, s.name, s.dice])).toEqual(
      expected.names.map((n, t) => [t + 1, n, 1]),
    );
    expect(r.pairs.map((p) => [p.reference?.number, p.prediction?.number, p.matchedBy])).toEqual([
      [1, 3, 'code'],
      [2, 5, 'code'],
      [3, 1, 'code'],
      [4, 2, 'code'],
      [5, 4, 'code'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('with the same generic code on every segment, pairs by name', () => {
    const ref = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const pred = readDicomSeg(bytes('permuted-names-seg.dcm'), series).labels;
    const r = computeMetrics(ref, pred);
    expect(r.structures.map((s) => s.dice)).toEqual([1, 1, 1, 1, 1]);
    expect(r.pairs.every((p) => p.matchedBy === 'name')).toBe(true);
  });

  it('--match number pairs by number as asked, and reports what it compared', () => {
    const ref = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const pred = readDicomSeg(bytes('permuted-seg.dcm'), series).labels;
    const r = computeMetrics(ref, pred, { match: 'number' });
    expect(r.pairs[0]).toMatchObject({
      reference: { number: 1, name: 'Liver' },
      prediction: { number: 1, name: 'Kidney' },
      matchedBy: 'number',
    });
    expect(r.structures[0].dice).toBeLessThan(1);
  });

  it('concord metrics: permuted SEG pairs to Dice 1 with nothing on stderr; the report shows the pairs', async () => {
    const out = await concord(
      'metrics',
      '--reference',
      path.join(F, 'overlap-seg.dcm'),
      '--prediction',
      path.join(F, 'permuted-seg.dcm'),
      '--series',
      SERIES,
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as EvaluationReport;
    expect(report.structures.map((s) => s.dice)).toEqual([1, 1, 1, 1, 1]);
    expect(report.pairing?.overlap).toEqual({ reference: true, prediction: true });
    expect(report.pairing?.pairs[1]).toMatchObject({
      label: 2,
      name: 'Liver lesion',
      reference: { number: 2, codes: { anatomicRegion: { CodeValue: '10200004' } } },
      prediction: { number: 5 },
      matchedBy: 'code',
    });
  });

  it('concord metrics --match number warns nothing but compares what it was told', async () => {
    const out = await concord(
      'metrics',
      '--reference',
      path.join(F, 'overlap-seg.dcm'),
      '--prediction',
      path.join(F, 'permuted-seg.dcm'),
      '--series',
      SERIES,
      '--match',
      'number',
      '--format',
      'csv',
    );
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[1]).toMatch(/^1,Liver,/);
  });

  it('the PDF report lists the pairs and the overlap', async () => {
    const ref = readDicomSeg(bytes('overlap-seg.dcm'), series).labels;
    const pred = readDicomSeg(bytes('permuted-seg.dcm'), series).labels;
    const report = buildReport({
      result: computeMetrics(ref, pred),
      reference: { kind: 'dicom-seg', source: 'overlap-seg.dcm' },
      prediction: { kind: 'dicom-seg', source: 'permuted-seg.dcm' },
    });
    const pdf = await writeReportPdf({ report });
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], {
      input: pdf,
      encoding: 'utf8',
    }).stdout;
    expect(text).toMatch(/Structure pairing/);
    expect(text).toMatch(/2: reference 2 Liver lesion - prediction 5 Liver lesion \(code\)/);
    expect(text).toMatch(/overlapping structures: each is evaluated on its own mask/);
  });
});
