/** Files written by Concord, read back by independent implementations (nibabel, pydicom). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  gridToRasAffine,
  readDicomSeries,
  writeDicomSeg,
  writeNifti,
  writeNiftiFrames,
  NIFTI_INTENT,
  type Direction,
  type Grid,
  type Vec3,
} from '@concord/core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = path.join(ROOT, 'tests/fixtures/io/crosscheck/crosscheck.py');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-crosscheck-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function python(kind: 'nifti' | 'seg', file: string) {
  const r = spawnSync('/usr/bin/python3', [SCRIPT, kind, file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const rotation = (): Direction => {
  const a = Math.PI / 5;
  const b = -Math.PI / 7;
  const row: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const col: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  // left-handed: slice = -(row x col)
  const slice: Vec3 = [
    -(row[1] * col[2] - row[2] * col[1]),
    -(row[2] * col[0] - row[0] * col[2]),
    -(row[0] * col[1] - row[1] * col[0]),
  ];
  return [...row, ...col, ...slice] as Direction;
};

describe('writeNifti read by nibabel', () => {
  const grids: Record<string, Grid> = {
    'oblique left-handed': {
      dims: [5, 4, 3],
      spacing: [0.9, 1.3, 2.2],
      origin: [10, -20.5, 33],
      direction: rotation(),
    },
    'LPS axis-aligned': {
      dims: [4, 4, 2],
      spacing: [1, 1, 3],
      origin: [-5, 7, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    },
  };
  for (const [name, g] of Object.entries(grids)) {
    it(`${name}: nibabel sees the RAS affine (sform = qform), the voxels and the description`, () => {
      const n = g.dims[0] * g.dims[1] * g.dims[2];
      const data = Int16Array.from({ length: n }, (_, i) => i * 3 - 40);
      const file = path.join(tmp, `${name.replace(/ /g, '_')}.nii.gz`);
      writeFileSync(file, writeNifti({ ...g, data }, { gzip: true, description: 'cross check' }));
      const nib = python('nifti', file);
      expect(nib.shape).toEqual(g.dims);
      expect(nib.dtype).toBe('int16');
      expect([nib.sformCode, nib.qformCode]).toEqual([1, 1]);
      expect(nib.description).toBe('cross check');
      const expected = gridToRasAffine(g);
      for (const m of [nib.affine, nib.sform, nib.qform] as number[][][]) {
        m.flat().forEach((x, i) => expect(x).toBeCloseTo(expected[i], 4));
      }
      expect(nib.sum).toBe(data.reduce((s, v) => s + v, 0));
      expect(nib.first).toBe(data[1]);
    });
  }
});

describe('writeNiftiFrames (4D) read by nibabel', () => {
  it('per-class probabilities: 4D shape, RAS affine, intent ESTIMATE, scl_slope 1/255 applied', () => {
    const g: Grid = {
      dims: [5, 4, 3],
      spacing: [0.9, 1.3, 2.2],
      origin: [10, -20.5, 33],
      direction: rotation(),
    };
    const n = g.dims[0] * g.dims[1] * g.dims[2];
    const frames = [0, 1, 2].map((c) =>
      Uint8Array.from({ length: n }, (_, i) => (i * 7 + c * 50) % 256),
    );
    const file = path.join(tmp, 'probabilities.nii.gz');
    writeFileSync(
      file,
      writeNiftiFrames(g, frames, {
        gzip: true,
        scale: { slope: 1 / 255, inter: 0 },
        intent: NIFTI_INTENT.estimate,
      }),
    );
    const nib = python('nifti', file);
    expect(nib.shape).toEqual([...g.dims, 3]);
    expect(nib.dtype).toBe('uint8');
    expect(nib.intentCode).toBe(1001);
    expect(nib.sclSlope).toBeCloseTo(1 / 255, 9);
    const expected = gridToRasAffine(g);
    for (const m of [nib.affine, nib.sform, nib.qform] as number[][][]) {
      m.flat().forEach((x, i) => expect(x).toBeCloseTo(expected[i], 4));
    }
    const stored = frames.reduce((s, f) => s + f.reduce((a, v) => a + v, 0), 0);
    expect(nib.sum).toBeCloseTo(stored / 255, 3);
    expect(nib.first).toBeCloseTo(frames[0][1] / 255, 5);
  });
});

describe('writeDicomSeg read by pydicom', () => {
  it('segments, per-segment voxel counts, frame references and positions agree', async () => {
    const dir = path.join(ROOT, 'tests/fixtures/io/dicom/ct-oblique');
    const series = await readDicomSeries(
      readdirSync(dir).map((n) => ({
        name: n,
        bytes: new Uint8Array(readFileSync(path.join(dir, n))),
      })),
    );
    const [nx, ny, nz] = series.volume.dims;
    const data = new Uint8Array(nx * ny * nz);
    for (let v = 0; v < data.length; v++) data[v] = v % 5 === 0 ? 1 : v % 7 === 0 ? 2 : 0;
    const { dims, spacing, origin, direction, frameOfReferenceUID } = series.volume;
    const file = path.join(tmp, 'seg.dcm');
    writeFileSync(
      file,
      writeDicomSeg({ dims, spacing, origin, direction, frameOfReferenceUID, data }, series, {
        seriesDescription: 'cross check',
        segments: [
          { label: 1, name: 'Fives', color: [255, 255, 255] },
          { label: 2, name: 'Sevens' },
        ],
      }),
    );
    const py = python('seg', file);
    expect(py.sopClass).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect([py.columns, py.rows]).toEqual([nx, ny]);
    expect(py.segments).toEqual([
      { number: 1, label: 'Fives', lab: [65535, 32896, 32896] },
      { number: 2, label: 'Sevens', lab: [] },
    ]);
    const count = (l: number) => data.reduce((s, v) => s + (v === l ? 1 : 0), 0);
    expect(py.counts).toEqual({ '1': count(1), '2': count(2) });
    expect(py.frames).toBe(2 * nz);
    (py.refs as [number, string, number[]][]).forEach(([, sop, ipp], i) => {
      const k = i % nz;
      expect(sop).toBe(series.slices[k].sopInstanceUID);
      ipp.forEach((x, a) => expect(x).toBeCloseTo(series.slices[k].position[a], 4));
    });
  });
});
