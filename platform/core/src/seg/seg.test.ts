import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dicomLabToRgb,
  GeometryMismatchError,
  InvalidInputError,
  readDicomSeg,
  readDicomSeries,
  rgbToDicomLab,
  writeDicomSeg,
  type DicomFileInput,
  type DicomSeriesResult,
  type LabelVolume,
} from '../index.ts';
import { dcmjs } from '../dicom/dcmjs.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/io/dicom');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const folder = (dir: string): DicomFileInput[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));

/** dciodvfy's "Error" lines for a file (Debian dicom3tools). */
function dciodvfyErrors(bytes: Uint8Array, name: string): string[] {
  const f = path.join(tmp, name);
  writeFileSync(f, bytes);
  const r = spawnSync('dciodvfy', [f], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  const out = `${r.stdout}\n${r.stderr}`;
  expect(out).toMatch(/Segmentation/); // it recognised the IOD
  return out.split('\n').filter((l) => /^Error/.test(l));
}

/** Labels on a series grid from a function of (i, j, k). */
function labelsFor(
  s: DicomSeriesResult,
  f: (i: number, j: number, k: number) => number,
): LabelVolume {
  const [nx, ny, nz] = s.volume.dims;
  const data = new Uint8Array(nx * ny * nz);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[o++] = f(i, j, k);
  const { dims, spacing, origin, direction, frameOfReferenceUID } = s.volume;
  return { dims, spacing, origin, direction, frameOfReferenceUID, data };
}

const segments = [
  { label: 1, name: 'Sphere', color: [230, 159, 0] as [number, number, number] },
  {
    label: 2,
    name: 'Slab',
    color: [86, 180, 233] as [number, number, number],
    description: 'lower half',
  },
  { label: 3, name: 'Corner' },
];
const pattern = (i: number, j: number, k: number) =>
  (i - 8) ** 2 + (j - 6) ** 2 + (k - 2) ** 2 < 10
    ? 1
    : j > 9 && k < 4
      ? 2
      : i === 0 && j === 0 && k === 1
        ? 3
        : 0;

describe('writeDicomSeg / readDicomSeg', () => {
  for (const name of ['ct-axial', 'ct-oblique']) {
    it(`${name}: round-trips voxel-exactly and passes dciodvfy without errors`, async () => {
      const series = await readDicomSeries(folder(path.join(FIXTURES, name)));
      const labels = labelsFor(series, pattern);
      const seg = writeDicomSeg(labels, series, {
        seriesDescription: 'Model output',
        algorithm: { name: 'Test U-Net', version: '1.2.3', type: 'AUTOMATIC' },
        segments,
      });
      expect(dciodvfyErrors(seg, `${name}.dcm`)).toEqual([]);
      const back = readDicomSeg(seg, series);
      expect(back.overlapping).toBe(false);
      expect(back.perSegment).toBeUndefined();
      expect(back.labels.dims).toEqual(labels.dims);
      expect(back.labels.origin).toEqual(labels.origin);
      expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data));
      expect(
        back.segments.map((s) => [s.segmentNumber, s.name, s.algorithmType, s.algorithmName]),
      ).toEqual([
        [1, 'Sphere', 'AUTOMATIC', 'Test U-Net'],
        [2, 'Slab', 'AUTOMATIC', 'Test U-Net'],
        [3, 'Corner', 'AUTOMATIC', 'Test U-Net'],
      ]);
      expect(back.segments[0].color).toEqual([230, 159, 0]);
      expect(back.segments[1].description).toBe('lower half');
      expect(back.segments[2].color).toBeUndefined();
      expect(back.labels.labels?.map((l) => l.name)).toEqual(['Sphere', 'Slab', 'Corner']);
    });
  }

  it('maps frames of a multi-frame source by ReferencedFrameNumber (enhanced MR), MANUAL without algorithm', async () => {
    const series = await readDicomSeries(
      folder(FIXTURES).filter((f) => f.name === 'enhanced-mr.dcm'),
    );
    const labels = labelsFor(series, (i, j, k) => ((i + j + k) % 7 === 0 ? 1 : 0));
    const seg = writeDicomSeg(labels, series, {
      seriesDescription: 'Annotator',
      segments: segments.slice(0, 1),
    });
    expect(dciodvfyErrors(seg, 'enhanced.dcm')).toEqual([]);
    const back = readDicomSeg(seg, series);
    expect(back.segments[0].algorithmType).toBe('MANUAL');
    expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data));
    // without ReferencedFrameNumber, frames of a multi-frame source are mapped by position
    const ds = naturalize(seg);
    for (const f of ds.PerFrameFunctionalGroupsSequence as Record<string, unknown>[]) {
      const d = (f.DerivationImageSequence as Record<string, unknown>[])[0];
      delete (d.SourceImageSequence as Record<string, unknown>[])[0].ReferencedFrameNumber;
    }
    expect(Array.from(readDicomSeg(denaturalize(ds), series).labels.data)).toEqual(
      Array.from(labels.data),
    );
  });

  it('maps frames by ImagePositionPatient when the source images are not referenced', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-oblique')));
    const labels = labelsFor(series, pattern);
    const seg = writeDicomSeg(labels, series, { seriesDescription: 'x', segments });
    const ds = naturalize(seg);
    for (const f of ds.PerFrameFunctionalGroupsSequence as Record<string, unknown>[])
      delete f.DerivationImageSequence;
    const back = readDicomSeg(denaturalize(ds), series);
    expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data));
  });

  it('numbers segments 1..N in label order (sparse labels come back renumbered, names kept)', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const labels = labelsFor(series, (i, _j, k) => (i < 4 ? 5 : k === 3 ? 9 : 0));
    const seg = writeDicomSeg(labels, series, {
      seriesDescription: 'sparse',
      segments: [
        { label: 9, name: 'Nine' },
        { label: 5, name: 'Five' },
      ],
    });
    const back = readDicomSeg(seg, series);
    expect(back.segments.map((s) => [s.segmentNumber, s.name])).toEqual([
      [1, 'Five'],
      [2, 'Nine'],
    ]);
    const remap = [0, 0, 0, 0, 0, 1, 0, 0, 0, 2];
    expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data, (v) => remap[v]));
  });

  it('keeps non-ASCII segment names (UTF-8 strings inside sequences read back intact)', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const labels = labelsFor(series, (i) => (i < 4 ? 1 : 0));
    const seg = writeDicomSeg(labels, series, {
      seriesDescription: 'utf-8',
      segments: [{ label: 1, name: 'Lobus frontalis – Müller ß 前頭葉' }],
    });
    expect(readDicomSeg(seg, series).segments[0].name).toBe('Lobus frontalis – Müller ß 前頭葉');
  });

  it('keeps overlapping segments whole: the overlapping one goes on a second layer', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    // label 1 fills slice 0; segment 2 is empty, so the writer stores one empty frame at slice 0
    const labels = labelsFor(series, (_i, _j, k) => (k === 0 ? 1 : 0));
    const ds = naturalize(
      writeDicomSeg(labels, series, {
        seriesDescription: 'overlap',
        segments: [
          { label: 1, name: 'A' },
          { label: 2, name: 'B' },
        ],
      }),
    );
    // set the first 20 pixels of segment 2's frame (the last frame): they overlap segment 1
    const px = new Uint8Array((ds.PixelData as ArrayBuffer[])[0]);
    const start = (Number(ds.NumberOfFrames) - 1) * 16 * 12;
    for (let b = start; b < start + 20; b++) px[b >> 3] |= 1 << (b & 7);
    const back = readDicomSeg(denaturalize(ds), series);
    expect(back.overlapping).toBe(true);
    expect(back.labels.labels?.map((l) => [l.label, l.layer])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    // segment 1 is whole on layer 0 (all 192 pixels of slice 0), segment 2 on layer 1
    const n = 16 * 12;
    const count = (a: ArrayLike<number>, v: number) => Array.from(a).filter((x) => x === v).length;
    expect(count(back.labels.data, 1)).toBe(n);
    expect(count(back.labels.data, 2)).toBe(0);
    expect(back.labels.overlapLayers).toHaveLength(1);
    const layer1 = back.labels.overlapLayers![0];
    expect(Array.from(layer1.subarray(0, 21))).toEqual([...Array(20).fill(2), 0]);
    expect(count(layer1, 2)).toBe(20);
  });

  it('keeps exclusive segments on one layer', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const labels = labelsFor(series, pattern);
    const back = readDicomSeg(
      writeDicomSeg(labels, series, { seriesDescription: 'x', segments }),
      series,
    );
    expect(back.overlapping).toBe(false);
    expect(back.labels.overlapLayers).toBeUndefined();
    expect(back.labels.labels?.every((l) => l.layer === 0)).toBe(true);
  });

  it('reads FRACTIONAL SEGs (fractions per segment, labels at >= 50%)', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const labels = labelsFor(series, (i, _j, k) => (k === 2 && i < 8 ? 1 : 0));
    const ds = naturalize(
      writeDicomSeg(labels, series, { seriesDescription: 'f', segments: segments.slice(0, 1) }),
    );
    const n = 16 * 12;
    const frac = new Uint8Array(n * Number(ds.NumberOfFrames));
    for (let p = 0; p < n; p++) frac[p] = p % 16 < 8 ? 200 : p % 16 < 12 ? 100 : 0; // 200/255 and 100/255
    Object.assign(ds, {
      SegmentationType: 'FRACTIONAL',
      SegmentationFractionalType: 'PROBABILITY',
      MaximumFractionalValue: 255,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelData: [frac.buffer],
    });
    const back = readDicomSeg(denaturalize(ds), series);
    expect(back.segmentationType).toBe('FRACTIONAL');
    expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data));
    const f = back.perSegment![0].data;
    expect(f).toBeInstanceOf(Float32Array);
    expect(f[2 * n + 9]).toBeCloseTo(100 / 255, 6);
  });

  it('refuses a SEG that references another series, saying so', async () => {
    const a = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const b = await readDicomSeries(folder(path.join(FIXTURES, 'ct-oblique')));
    const seg = writeDicomSeg(labelsFor(a, pattern), a, { seriesDescription: 'x', segments });
    expect(() => readDicomSeg(seg, b)).toThrow(InvalidInputError);
    expect(() => readDicomSeg(seg, b)).toThrow(
      new RegExp(
        `The SEG references another series \\(${a.seriesInstanceUID}\\), not the given series ${b.seriesInstanceUID.replace(/\./g, '\\.')}`,
      ),
    );
  });

  it('refuses non-SEG, empty and truncated input', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const image = folder(path.join(FIXTURES, 'ct-axial'))[0].bytes;
    expect(() => readDicomSeg(image, series)).toThrow(
      /Not a DICOM Segmentation \(SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.2, modality CT\)/,
    );
    expect(() => readDicomSeg(new Uint8Array(0), series)).toThrow(/empty/);
    const seg = writeDicomSeg(labelsFor(series, pattern), series, {
      seriesDescription: 'x',
      segments,
    });
    for (const cut of [seg.length - 10, 600]) {
      expect(() => readDicomSeg(seg.subarray(0, cut), series)).toThrow(InvalidInputError);
    }
  });

  it('refuses labels that are not on the series grid, or labels without a segment', async () => {
    const series = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
    const labels = labelsFor(series, pattern);
    expect(() =>
      writeDicomSeg({ ...labels, origin: [0, 0, 0] }, series, { seriesDescription: 'x', segments }),
    ).toThrow(GeometryMismatchError);
    expect(() =>
      writeDicomSeg(labels, series, { seriesDescription: 'x', segments: segments.slice(0, 1) }),
    ).toThrow(/Label 2 is in the labelmap but has no segment definition/);
  });
});

describe('CIELab <-> sRGB', () => {
  it('encodes white as L=100, a=b=0 (0xFFFF, 0x8080, 0x8080) and round-trips 8-bit colours', () => {
    expect(rgbToDicomLab([255, 255, 255])).toEqual([65535, 32896, 32896]);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
    for (let r = 0; r < 256; r += 17)
      for (let g = 0; g < 256; g += 51)
        for (let b = 0; b < 256; b += 85)
          expect(dicomLabToRgb(rgbToDicomLab([r, g, b]))).toEqual([r, g, b]);
  });
});

function naturalize(bytes: Uint8Array): Record<string, unknown> {
  const { dict } = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict);
}

function denaturalize(ds: Record<string, unknown>): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      MediaStorageSOPClassUID: ds.SOPClassUID,
      MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: '2.25.1',
    }),
  );
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ ...ds, _vrMap: { PixelData: 'OB' } });
  return new Uint8Array(dict.write());
}
