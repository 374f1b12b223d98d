/**
 * `concord evaluate` end to end on the sample study (Colin27 series, reference SEG, the
 * committed 2D U-Net): the real CLI in a child process, every output validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDicomSeg, readDicomSeries } from '@concord/core';
import { isValidReport, type EvaluationReport } from '@concord/metrics';
import { EXPORT_FILE_NAMES, formatRatio, readMeasurementReportSr } from '@concord/reports';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.ts';
import { dciodvfy } from './dciodvfy.ts';

const CLI = path.resolve('platform/cli/bin/concord.mjs');
const MODEL = path.resolve('platform/inference/models/unet2d-colin27-ce.json');
const SERIES = path.resolve('samples/colin27/dicom');
const REFERENCE = path.resolve('samples/colin27/reference-seg.dcm');
const PATIENT_NAME = 'Colin27'; // PatientName Colin27^Sample, PatientID CONCORD-COLIN27

function concord(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('concord evaluate', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'concord-evaluate-'));
  let run: ReturnType<typeof concord>;
  let report: EvaluationReport;
  const file = (k: keyof typeof EXPORT_FILE_NAMES) => path.join(out, EXPORT_FILE_NAMES[k]);
  // every export but the lesion table: no structure is evaluated lesion-wise here
  const EVERY_EVALUATION_FILE = Object.entries(EXPORT_FILE_NAMES)
    .filter(([kind]) => kind !== 'lesions')
    .map(([, name]) => name)
    .sort();

  let orthanc: RunningOrthanc;

  beforeAll(async () => {
    orthanc = await startOrthanc();
    run = concord([
      'evaluate',
      '--model',
      MODEL,
      '--input',
      SERIES,
      '--reference',
      REFERENCE,
      '--out',
      out,
      '--dicomweb',
      orthanc.dicomweb,
    ]);
    report = JSON.parse(readFileSync(file('json'), 'utf8'));
  });

  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await orthanc?.stop();
  });

  it('exits 0 with a one-line summary and writes every output', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/unet2d-colin27-ce on \S+: mean Dice 0\.\d{3}/);
    expect(readdirSync(out).sort()).toEqual(EVERY_EVALUATION_FILE);
    expect(run.stdout).toContain(
      `sent prediction SEG and measurement report SR to ${orthanc.dicomweb}`,
    );
  });

  it('--dicomweb stored the SEG and the SR in the study: QIDO-RS finds them', async () => {
    const res = await fetch(`${orthanc.dicomweb}/studies/${report.case.studyInstanceUID}/series`, {
      headers: { Accept: 'application/dicom+json' },
    });
    const modalities = ((await res.json()) as Array<{ '00080060': { Value: [string] } }>)
      .map((s) => s['00080060'].Value[0])
      .sort();
    expect(modalities).toEqual(['SEG', 'SR']);
  });

  it('writes a valid concord.report/v1 with the model, backend and 7 structures', () => {
    expect(isValidReport(report)).toBe(true);
    expect(report.prediction.model?.name).toBe('unet2d-colin27-ce');
    expect(report.prediction.backend).toBeTruthy();
    expect(report.structures.map((s) => s.name)).toContain('Cerebellum');
    expect(report.structures).toHaveLength(7);
    expect(report.summary.meanDice).toBeGreaterThan(0.5);
    expect(report.structures.every((s) => typeof s.softDice === 'number')).toBe(true);
  });

  it('SEG and SR pass dciodvfy and read back the same numbers', async () => {
    for (const k of ['seg', 'sr'] as const) {
      const v = dciodvfy(file(k));
      expect(v.errors, v.output).toEqual([]);
    }
    const names = readdirSync(SERIES).sort();
    const series = await readDicomSeries(
      names.map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(path.join(SERIES, name))),
      })),
    );
    const seg = readDicomSeg(new Uint8Array(readFileSync(file('seg'))), series);
    expect(seg.segments.map((s) => s.algorithmName)).toEqual(
      new Array(7).fill('unet2d-colin27-ce'),
    );
    const voxelMl = series.volume.spacing.reduce((a, b) => a * b, 1) / 1000;
    const counts = new Map<number, number>();
    for (const v of seg.labels.data) counts.set(v, (counts.get(v) ?? 0) + 1);
    const sr = readMeasurementReportSr(new Uint8Array(readFileSync(file('sr'))));
    expect(sr.groups).toHaveLength(7);
    for (const s of report.structures) {
      const segment = seg.segments.find((x) => x.name === s.name)!;
      expect((counts.get(segment.label) ?? 0) * voxelMl).toBeCloseTo(s.volumePredMl, 6);
      const g = sr.groups.find((x) => x.label === s.label)!;
      expect(g.segment?.segmentNumber).toBe(segment.segmentNumber);
      expect(g.segment?.sopInstanceUID).toBe(seg.sopInstanceUID);
      expect(g.values.dice).toBe(s.dice);
      expect(g.values.hd95).toBe(s.hd95);
      expect(g.values.volumeRefMl).toBe(s.volumeRefMl);
    }
  });

  it('PDF and CSV carry the table values and no patient identity by default', () => {
    const text = execFileSync('pdftotext', ['-layout', file('pdf'), '-'], { encoding: 'utf8' });
    for (const s of report.structures) expect(text).toContain(formatRatio(s.dice));
    const csv = readFileSync(file('csv'), 'utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(8);
    for (const t of [text, csv, readFileSync(file('json'), 'utf8')]) {
      expect(t).not.toContain(PATIENT_NAME);
      expect(t).not.toContain('CONCORD-COLIN27');
    }
  });

  it('--include-phi opts in to patient identity in CSV and PDF; a STOW failure loses nothing', async () => {
    const phiOut = mkdtempSync(path.join(tmpdir(), 'concord-evaluate-phi-'));
    // a loopback port that was just free: the DICOMweb server is down
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
    );
    await new Promise((r) => probe.close(r));
    const r = concord([
      'evaluate',
      ...['--model', MODEL, '--input', SERIES, '--reference', REFERENCE, '--out', phiOut],
      '--include-phi',
      ...['--dicomweb', `http://127.0.0.1:${port}/dicom-web`],
    ]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Could not send the prediction SEG');
    expect(r.stderr).toContain('the server is not reachable (ECONNREFUSED)');
    expect(r.stderr).toContain(`The exports are kept in ${phiOut}`);
    expect(readdirSync(phiOut).sort()).toEqual(EVERY_EVALUATION_FILE);
    const at = (k: keyof typeof EXPORT_FILE_NAMES) => path.join(phiOut, EXPORT_FILE_NAMES[k]);
    expect(readFileSync(at('csv'), 'utf8')).toContain('Colin27^Sample');
    const text = execFileSync('pdftotext', [at('pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('CONCORD-COLIN27');
    expect(readFileSync(at('json'), 'utf8')).not.toContain(PATIENT_NAME);
    rmSync(phiOut, { recursive: true, force: true });
  });

  it('exits 2 on usage errors and 3 on invalid input, with one line on stderr', () => {
    const usage = concord(['evaluate', '--model', MODEL, '--input', SERIES, '--out', out]);
    expect(usage.status).toBe(2);
    const missing = concord([
      'evaluate',
      '--model',
      MODEL,
      '--input',
      path.join(out, 'nope'),
      '--reference',
      REFERENCE,
      '--out',
      out,
    ]);
    expect(missing.status).toBe(3);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const badReference = concord([
      'evaluate',
      '--model',
      MODEL,
      '--input',
      SERIES,
      '--reference',
      file('csv'),
      '--out',
      out,
    ]);
    expect(badReference.status, badReference.stderr).toBe(3);
    expect(badReference.stderr).toMatch(/^concord: /);
  });
});
