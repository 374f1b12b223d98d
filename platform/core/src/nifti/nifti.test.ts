import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  indexToWorld,
  InvalidInputError,
  readNifti,
  readNiftiLabels,
  UnsupportedFormatError,
  writeNifti,
  writeNiftiFrames,
  readNiftiFrames,
  type Direction,
  type Grid,
  type TypedArray,
  type Vec3,
  type Volume,
} from '../index.ts';

const FIXTURES = fileURLToPath(new URL('../../../../tests/fixtures/io/nifti/', import.meta.url));
const TEMPLATES = '/usr/share/mricron/templates';

interface Expected {
  shape: number[];
  affine: number[][];
  samples: { ijk: Vec3; value: number; lps: Vec3 }[];
  sum: number;
}
const expected: Record<string, Expected> = JSON.parse(
  readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'),
);
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

function at(v: Volume, [i, j, k]: Vec3): number {
  return v.data[i + j * v.dims[0] + k * v.dims[0] * v.dims[1]];
}

function checkAgainstNibabel(v: Volume, e: Expected, valueTol = 1e-5) {
  expect(v.dims).toEqual(e.shape.slice(0, 3));
  for (const s of e.samples) {
    const w = indexToWorld(v, s.ijk);
    w.forEach((x, a) => expect(x).toBeCloseTo(s.lps[a], 4));
    expect(at(v, s.ijk)).toBeCloseTo(s.value, -Math.log10(valueTol));
  }
  let sum = 0;
  for (let i = 0; i < v.data.length; i++) sum += v.data[i];
  expect(sum).toBeCloseTo(e.sum, 1);
}

const rot = (): Direction => {
  // rotation 30 deg about z then 20 deg about x (orthonormal, right-handed)
  const a = Math.PI / 6,
    b = Math.PI / 9;
  const r: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const c: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const s: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  return [...r, ...c, ...s] as Direction;
};

function expectSameGeometry(a: Grid, b: Grid) {
  expect(a.dims).toEqual(b.dims);
  for (let i = 0; i < 3; i++) {
    expect(a.spacing[i]).toBeCloseTo(b.spacing[i], 5);
    expect(a.origin[i]).toBeCloseTo(b.origin[i], 4);
  }
  for (let i = 0; i < 9; i++) expect(a.direction[i]).toBeCloseTo(b.direction[i], 6);
}

describe('readNifti against nibabel', () => {
  for (const name of [
    'oblique_qform.nii.gz',
    'scaled_sform.nii',
    'bigendian_flipped.nii',
    'nifti2.nii',
    'labels_int16.nii.gz',
  ]) {
    it(`reads ${name}: dims, LPS world coordinates and values`, () => {
      checkAgainstNibabel(readNifti(fixture(name)), expected[name]);
    });
  }

  it('applies scl_slope/scl_inter to images (float result)', () => {
    const v = readNifti(fixture('scaled_sform.nii'));
    expect(v.data).toBeInstanceOf(Float32Array);
    // raw int16 values * 0.5 + 10: always a multiple of 0.5
    for (let i = 0; i < v.data.length; i++) expect(Number.isInteger(v.data[i] * 2)).toBe(true);
  });

  it('takes spacing from column norms, not the diagonal, of an oblique affine', () => {
    const v = readNifti(fixture('scaled_sform.nii'));
    expect(v.spacing[0]).toBeCloseTo(1.2, 5);
    expect(v.spacing[1]).toBeCloseTo(0.9, 5);
    expect(v.spacing[2]).toBeCloseTo(3.0, 5);
  });

  for (const name of ['aal.nii.gz', 'ch2.nii.gz']) {
    it(`reads the Debian mricron template ${name} (181x217x181, world coordinates as nibabel)`, () => {
      const v = readNifti(new Uint8Array(readFileSync(path.join(TEMPLATES, name))));
      expect(v.dims).toEqual([181, 217, 181]);
      expect(v.data).toBeInstanceOf(Uint8Array);
      checkAgainstNibabel(v, expected[`templates/${name}`]);
      // 1 mm RAS storage: LPS direction flips x and y
      expect(v.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
      expect(v.origin).toEqual([90, 125, -71]); // RAS (-90, -125, -71)
    });
  }
});

describe('readNiftiLabels', () => {
  it('returns Uint8Array labels when the maximum fits 8 bits', () => {
    const l = readNiftiLabels(fixture('labels_int16.nii.gz'));
    expect(l.data).toBeInstanceOf(Uint8Array);
    checkAgainstNibabel(l, expected['labels_int16.nii.gz']);
  });
  it('returns Uint16Array labels when a label exceeds 255', () => {
    const l = readNiftiLabels(fixture('labels_uint16.nii'));
    expect(l.data).toBeInstanceOf(Uint16Array);
    expect(l.data[0]).toBe(1000);
  });
  it('reads an uncompressed file given as a Node Buffer that is a view into a larger pool', () => {
    const bytes = fixture('labels_uint16.nii');
    const pool = Buffer.alloc(bytes.length + 4096);
    pool.set(bytes, 2048);
    const view = pool.subarray(2048, 2048 + bytes.length);
    const l = readNiftiLabels(view);
    expect(l.data.length).toBe(l.dims[0] * l.dims[1] * l.dims[2]);
    expect(Array.from(l.data)).toEqual(Array.from(readNiftiLabels(bytes).data));
  });
  it('with ownBytes, keeps the labels in the given bytes (no copy) when aligned, else copies', () => {
    const g: Grid = {
      dims: [4, 5, 6],
      spacing: [1, 2, 3],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    const n = 120;
    for (const data of [
      Uint8Array.from({ length: n }, (_, i) => i % 7),
      Uint16Array.from({ length: n }, (_, i) => (i * 37) % 700),
    ]) {
      const bytes = writeNifti({ ...g, data });
      for (const shift of [0, 1, 2]) {
        // the file's bytes at any offset of their buffer, as a Node Buffer from a pool is
        const backing = new Uint8Array(bytes.length + shift);
        backing.set(bytes, shift);
        const given = backing.subarray(shift);
        const l = readNiftiLabels(given, { ownBytes: true });
        expect(l.data).toBeInstanceOf(data.constructor);
        expect(Array.from(l.data)).toEqual(Array.from(data));
        const aligned = (shift + 352) % data.BYTES_PER_ELEMENT === 0;
        expect(l.data.buffer === backing.buffer).toBe(aligned);
        // without ownBytes the labels never share the caller's bytes
        expect(readNiftiLabels(given).data.buffer === backing.buffer).toBe(false);
      }
    }
  });
  it('reads AAL labels', () => {
    const l = readNiftiLabels(new Uint8Array(readFileSync(path.join(TEMPLATES, 'aal.nii.gz'))));
    expect(Math.max(...new Set(l.data))).toBeGreaterThan(100);
  });
  it('rejects non-integer floats, naming the voxel', () => {
    expect(() => readNiftiLabels(fixture('labels_nonint.nii.gz'))).toThrow(
      /non-integer value 1\.5 at voxel \(1, 2, 3\)/,
    );
  });
  it('rejects negative labels', () => {
    expect(() => readNiftiLabels(fixture('labels_negative.nii.gz'))).toThrow(
      /negative label -1 at voxel \(2, 0, 4\)/,
    );
  });
  it('rejects a 4D file that is not a stack of 0/1 masks', () => {
    expect(() => readNiftiLabels(fixture('labels_4d.nii.gz'))).toThrow(InvalidInputError);
    expect(() => readNiftiLabels(fixture('labels_4d.nii.gz'))).toThrow(/4D \(4x5x6x2\)/);
    expect(() => readNifti(fixture('labels_4d.nii.gz'))).toThrow(UnsupportedFormatError);
  });
  it('rejects empty, truncated, corrupt-gzip and non-NIfTI input', () => {
    const raw = gunzipSync(fixture('labels_int16.nii.gz'));
    const gz = fixture('labels_int16.nii.gz');
    expect(() => readNiftiLabels(new Uint8Array(0))).toThrow(/empty/);
    expect(() => readNiftiLabels(raw.subarray(0, raw.length - 10))).toThrow(/truncated/);
    expect(() => readNiftiLabels(raw.subarray(0, 200))).toThrow(/truncated/);
    expect(() => readNiftiLabels(gz.subarray(0, gz.length - 30))).toThrow(/gzip/);
    expect(() => readNiftiLabels(new TextEncoder().encode('hello, this is not an image'))).toThrow(
      /Not a NIfTI file/,
    );
    for (const bad of [new Uint8Array(0), raw.subarray(0, 200), new Uint8Array(400)]) {
      expect(() => readNiftiLabels(bad)).toThrow(InvalidInputError);
    }
  });
});

describe('writeNifti round trip', () => {
  const grids: Record<string, Grid> = {
    'axis-aligned': {
      dims: [4, 5, 6],
      spacing: [0.5, 0.8, 2.5],
      origin: [-10, 20, 5],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    },
    oblique: { dims: [4, 5, 6], spacing: [0.7, 1.1, 3], origin: [12.5, -3, 40], direction: rot() },
    'flipped (left-handed)': {
      dims: [3, 4, 5],
      spacing: [1, 1, 2],
      origin: [0, 0, 0],
      direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
    },
    'oblique flipped': {
      dims: [3, 4, 2],
      spacing: [2, 1, 1.5],
      origin: [1, 2, 3],
      direction: rot().map((x, i) => (i >= 6 ? -x : x)) as Direction,
    },
  };
  for (const [name, g] of Object.entries(grids)) {
    for (const gzip of [false, true]) {
      it(`${name}${gzip ? ' (gzip)' : ''}: geometry and voxels survive, sform and qform agree`, () => {
        const n = g.dims[0] * g.dims[1] * g.dims[2];
        const img: Volume = {
          ...g,
          data: Float32Array.from({ length: n }, (_, i) => i * 0.25 - 3),
        };
        const bytes = writeNifti(img, { gzip, description: 'round trip' });
        expect(bytes[0] === 0x1f).toBe(gzip);
        const back = readNifti(bytes);
        expectSameGeometry(back, g);
        expect(Array.from(back.data)).toEqual(Array.from(img.data));
        // the qform alone gives the same geometry (sform_code set to 0)
        const raw = gzip ? gunzipSync(bytes) : bytes.slice();
        new DataView(raw.buffer).setInt16(254, 0, true);
        expectSameGeometry(readNifti(raw), g);
        const labels = { ...g, data: Uint16Array.from({ length: n }, (_, i) => (i * 37) % 700) };
        const lb = readNiftiLabels(writeNifti(labels, { gzip }));
        expect(lb.data).toBeInstanceOf(Uint16Array);
        expect(Array.from(lb.data)).toEqual(Array.from(labels.data));
      });
    }
  }
  it('writes every supported typed array and reads it back unchanged', () => {
    const g = grids['axis-aligned'];
    const n = 120;
    const values = Array.from({ length: n }, (_, i) => (i % 2 ? i : -i) + 200);
    const arrays: TypedArray[] = [
      Int8Array.from(values),
      Uint8Array.from(values),
      Int16Array.from(values),
      Uint16Array.from(values),
      Int32Array.from(values),
      Uint32Array.from(values),
      Float64Array.from(values),
    ];
    for (const data of arrays) {
      const Ctor = data.constructor;
      const back = readNifti(writeNifti({ ...g, data }));
      expect(back.data).toBeInstanceOf(Ctor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });
  it('is deterministic with gzip (no timestamp) and keeps the description', () => {
    const v: Volume = { ...grids.oblique, data: new Uint8Array(120).fill(3) };
    const a = writeNifti(v, { gzip: true, description: 'Concord test' });
    expect(a).toEqual(writeNifti(v, { gzip: true, description: 'Concord test' }));
    expect(new TextDecoder().decode(gunzipSync(a).subarray(148, 160))).toBe('Concord test');
  });
  it('rewrites the Colin27 template exactly', () => {
    const v = readNifti(new Uint8Array(readFileSync(path.join(TEMPLATES, 'ch2.nii.gz'))));
    const back = readNifti(writeNifti(v));
    expectSameGeometry(back, v);
    expect(back.data.constructor).toBe(v.data.constructor);
    // byte comparison: vitest's deep equality is far too slow for 7 M voxels
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(v.data.buffer))).toBe(true);
  });
});

describe('4D NIfTI (per-class probabilities)', () => {
  it('writes frames with scl_slope and reads them back as scaled 3D frames on one grid', () => {
    const grid: Grid = {
      dims: [3, 2, 2],
      spacing: [1, 2, 3],
      origin: [1, 2, 3],
      direction: rot(),
    };
    const frames = [0, 1, 2].map((t) =>
      Uint8Array.from({ length: 12 }, (_, i) => (i * 20 + t * 5) % 256),
    );
    const bytes = writeNiftiFrames(grid, frames, {
      gzip: true,
      scale: { slope: 1 / 255, inter: 0 },
    });
    const back = readNiftiFrames(bytes);
    expectSameGeometry(back.grid, grid);
    expect(back.frames).toHaveLength(3);
    back.frames.forEach((f, t) =>
      f.forEach((v, i) => expect(v).toBeCloseTo(frames[t][i] / 255, 6)),
    );
    expect(() => readNifti(bytes)).toThrow(/4D \(3x2x2x3\)/);
    expect(() => writeNiftiFrames(grid, [new Uint8Array(12), new Uint8Array(11)])).toThrow(
      /Frame 1 holds 11/,
    );
  });
});
