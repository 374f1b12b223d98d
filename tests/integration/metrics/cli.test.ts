/** `concord metrics` end to end: the real CLI process on NIfTI files (docs/cli.md). */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  indexToWorld,
  readNiftiLabels,
  writeNifti,
  type Direction,
  type LabelVolume,
  type Vec3,
} from '@concord/core';
import { reportProblems, type EvaluationReport } from '@concord/metrics';

const BIN = path.resolve('platform/cli/bin/concord.mjs');
const F = path.resolve('tests/fixtures/metrics');
const REF = path.join(F, 'mixed-reference.nii.gz');
const PRED = path.join(F, 'mixed-prediction.nii.gz');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-metrics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function concord(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'metrics', ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function save(
  name: string,
  v: LabelVolume | (Omit<LabelVolume, 'data'> & { data: Float32Array }),
): string {
  const file = path.join(tmp, name);
  writeFileSync(file, writeNifti(v, { gzip: true }));
  return file;
}

/** Stores the same labels with another voxel order; `src(i, j, k)` gives the source index. */
function restore(
  v: LabelVolume,
  dims: Vec3,
  spacing: Vec3,
  origin: Vec3,
  direction: Direction,
  src: (i: number, j: number, k: number) => Vec3,
): LabelVolume {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const [nx, ny] = v.dims;
  let o = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const [a, b, c] = src(i, j, k);
        data[o++] = v.data[a + nx * (b + ny * c)];
      }
  return { dims, spacing, origin, direction, data };
}

const pred = readNiftiLabels(readFileSync(PRED));
const [nx, ny, nz] = pred.dims;
const d = pred.direction;
const structuresOf = (r: Run) => (JSON.parse(r.stdout) as EvaluationReport).structures;
let baseRun: Promise<Run> | undefined;
const base = () => (baseRun ??= concord('--reference', REF, '--prediction', PRED));

describe('concord metrics', () => {
  it('NIfTI pair: JSON report on stdout that validates and matches the scipy cross-check', async () => {
    const r = await base();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EvaluationReport;
    expect(reportProblems(report)).toEqual([]);
    const expected = JSON.parse(readFileSync(path.join(F, 'mixed-expected.json'), 'utf8'));
    expect(report.structures.map((s) => [s.label, s.status, s.tp, s.fp, s.fn])).toEqual(
      expected.structures.map((s: EvaluationReport['structures'][0]) => [
        s.label,
        s.status,
        s.tp,
        s.fp,
        s.fn,
      ]),
    );
    expect(report.structures[0].hd95).toBeCloseTo(expected.structures[0].hd95, 3);
    expect(report.definitions.tolerancesMm).toEqual([1, 2]);
  });

  it('maps predictions stored flipped, permuted or on a smaller field of view in world space', async () => {
    const flipped = restore(
      pred,
      [nx, ny, nz],
      pred.spacing,
      indexToWorld(pred, [nx - 1, 0, 0]),
      [-d[0], -d[1], -d[2], d[3], d[4], d[5], d[6], d[7], d[8]],
      (i, j, k) => [nx - 1 - i, j, k],
    );
    const permuted = restore(
      pred,
      [ny, nx, nz],
      [pred.spacing[1], pred.spacing[0], pred.spacing[2]],
      pred.origin,
      [d[3], d[4], d[5], d[0], d[1], d[2], d[6], d[7], d[8]],
      (i, j, k) => [j, i, k],
    );
    // crop to the labelled region (plus one voxel): same labels, fewer voxels
    const lo: Vec3 = [nx, ny, nz];
    const hi: Vec3 = [0, 0, 0];
    pred.data.forEach((l, o) => {
      if (!l) return;
      const p = [o % nx, Math.floor(o / nx) % ny, Math.floor(o / nx / ny)];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], p[a]);
        hi[a] = Math.max(hi[a], p[a]);
      }
    });
    const min = lo.map((x) => Math.max(0, x - 1)) as Vec3;
    const max = hi.map((x, a) => Math.min(pred.dims[a] - 1, x + 1)) as Vec3;
    const cropped = restore(
      pred,
      [max[0] - min[0] + 1, max[1] - min[1] + 1, max[2] - min[2] + 1],
      pred.spacing,
      indexToWorld(pred, min),
      pred.direction,
      (i, j, k) => [i + min[0], j + min[1], k + min[2]],
    );
    expect(cropped.data.length).toBeLessThan(pred.data.length);
    const runs = await Promise.all([
      base(),
      concord('--reference', REF, '--prediction', save('flipped.nii.gz', flipped)),
      concord('--reference', REF, '--prediction', save('permuted.nii.gz', permuted)),
      concord('--reference', REF, '--prediction', save('cropped.nii.gz', cropped)),
    ]);
    runs.forEach((r) => expect(r.code, r.stderr).toBe(0));
    const [first, ...others] = runs.map(structuresOf);
    for (const o of others) expect(o).toEqual(first);
  });

  it('--labels with names, --tolerance, --format csv, --out', async () => {
    const names = path.join(tmp, 'names.json');
    writeFileSync(names, JSON.stringify({ 1: 'Frontal lobe', 6: 'Deep grey', 42: 'Not there' }));
    const out = path.join(tmp, 'report.csv');
    const [csv, list] = await Promise.all([
      concord(
        '--reference',
        REF,
        '--prediction',
        PRED,
        '--labels',
        names,
        '--tolerance',
        '0.5,3',
        '--format',
        'csv',
        '--out',
        out,
      ),
      concord('--reference', REF, '--prediction', PRED, '--labels', '9,4,6', '--threads', '2'),
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe('');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^label,name,status,tp,fp,fn,tn,dice,.*,nsd@0\.5,nsd@3,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '1,Frontal lobe,ok',
      '6,Deep grey,ok',
      '42,Not there,both-empty',
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(structuresOf(list).map((s) => [s.label, s.status])).toEqual([
      [4, 'prediction-empty'],
      [6, 'ok'],
      [9, 'reference-empty'],
    ]);
  });

  it('exit code 2 with usage errors, 3 with one-line reasons for bad input', async () => {
    const truncated = path.join(tmp, 'truncated.nii.gz');
    writeFileSync(truncated, readFileSync(PRED).subarray(0, 300));
    const far = save('far.nii.gz', {
      ...pred,
      origin: [pred.origin[0] + 5000, pred.origin[1], pred.origin[2]],
    });
    const floats = save('float.nii.gz', {
      ...pred,
      data: Float32Array.from(pred.data, (x) => x + 0.5),
    });
    const runs = await Promise.all([
      concord('--reference', REF),
      concord('--reference', REF, '--prediction', PRED, '--format', 'xml'),
      concord('--reference', REF, '--prediction', PRED, '--tolerance', '-1'),
      concord('--reference', REF, '--prediction', truncated),
      concord('--reference', REF, '--prediction', far),
      concord('--reference', REF, '--prediction', floats),
      concord('--reference', path.join(tmp, 'missing.nii'), '--prediction', PRED),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 3, 3, 3, 3]);
    for (const r of runs.slice(3)) {
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^concord: /);
    }
    expect(runs[3].stderr).toMatch(/truncated|corrupt/);
    expect(runs[4].stderr).toMatch(/does not overlap/);
    expect(runs[5].stderr).toMatch(/non-integer/);
    expect(runs[6].stderr).toMatch(/cannot read reference .*missing\.nii/);
  });
});
