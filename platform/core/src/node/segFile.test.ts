import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readDicomSeg,
  readDicomSeries,
  writeDicomSeg,
  type DicomSegResult,
  type DicomSeriesResult,
  type LabelVolume,
} from '../index.ts';
import { dcmjs } from '../dicom/dcmjs.ts';
import { readDicomSegFile } from './segFile.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/io/dicom');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-segfile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function series(name: string): Promise<DicomSeriesResult> {
  const dir = path.join(FIXTURES, name);
  return readDicomSeries(
    readdirSync(dir)
      .filter((n) => n.endsWith('.dcm'))
      .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) })),
  );
}

/** Labels on the series grid; `second` puts a structure that overlaps the first on layer 1. */
function labelsFor(s: DicomSeriesResult, second: boolean): LabelVolume {
  const [nx, ny, nz] = s.volume.dims;
  const data = new Uint8Array(nx * ny * nz);
  const over = new Uint8Array(nx * ny * nz);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        data[o] = (i - 8) ** 2 + (j - 6) ** 2 + (k - 2) ** 2 < 10 ? 1 : j > 9 && k < 4 ? 2 : 0;
        over[o] = second && i > 6 && i < 11 && k > 0 ? 3 : 0;
      }
  const { dims, spacing, origin, direction, frameOfReferenceUID } = s.volume;
  return {
    dims,
    spacing,
    origin,
    direction,
    frameOfReferenceUID,
    data,
    labels: [
      { label: 1, name: 'Ball', layer: 0 },
      { label: 2, name: 'Slab', layer: 0 },
      ...(second ? [{ label: 3, name: 'Bar', layer: 1 }] : []),
    ],
    ...(second ? { overlapLayers: [over] } : {}),
  };
}

const segments = [
  { label: 1, name: 'Ball' },
  { label: 2, name: 'Slab' },
  { label: 3, name: 'Bar' },
];

/** The file read in pieces, with prefixes and pieces small enough to need many of each. */
function readInPieces(bytes: Uint8Array, s: DicomSeriesResult, pieceBytes: number) {
  const file = path.join(tmp, `seg-${pieceBytes}.dcm`);
  writeFileSync(file, bytes);
  return readDicomSegFile(file, bytes.subarray(0, 200), bytes.length, s, {
    firstPrefix: 256,
    pieceBytes,
  });
}

function same(a: DicomSegResult | undefined, b: DicomSegResult): void {
  expect(a).toBeDefined();
  expect(Array.from(a!.labels.data)).toEqual(Array.from(b.labels.data));
  expect(a!.labels.overlapLayers?.map((l) => Array.from(l))).toEqual(
    b.labels.overlapLayers?.map((l) => Array.from(l)),
  );
  expect(a!.labels.labels).toEqual(b.labels.labels);
  expect(a!.segments).toEqual(b.segments);
  expect(a!.overlapping).toBe(b.overlapping);
  expect(a!.perSegment?.map((p) => Array.from(p.data))).toEqual(
    b.perSegment?.map((p) => Array.from(p.data)),
  );
}

describe('readDicomSegFile (a SEG file read in pieces)', () => {
  for (const name of ['ct-axial', 'ct-oblique']) {
    it(`${name}: the same structure set as the whole file, overlaps included, for any piece size`, async () => {
      const s = await series(name);
      for (const second of [false, true]) {
        const bytes = writeDicomSeg(labelsFor(s, second), s, {
          seriesDescription: 'x',
          segments: second ? segments : segments.slice(0, 2),
        });
        const whole = readDicomSeg(bytes, s);
        expect(whole.overlapping).toBe(second);
        for (const piece of [1, 50, 1 << 20]) same(readInPieces(bytes, s, piece), whole);
      }
    });
  }

  it('reads FRACTIONAL SEGs in pieces like whole ones', async () => {
    const s = await series('ct-axial');
    const { dict } = dcmjs.data.DicomMessage.readFile(
      writeDicomSeg(labelsFor(s, false), s, {
        seriesDescription: 'f',
        segments: segments.slice(0, 2),
      }).slice().buffer,
    );
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict);
    const n = 16 * 12;
    const frac = new Uint8Array(n * Number(ds.NumberOfFrames));
    for (let p = 0; p < frac.length; p++) frac[p] = (p * 37) % 256;
    Object.assign(ds, {
      SegmentationType: 'FRACTIONAL',
      SegmentationFractionalType: 'PROBABILITY',
      MaximumFractionalValue: 255,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelData: [frac.buffer],
    });
    const { DicomDict, DicomMetaDictionary } = dcmjs.data;
    const out = new DicomDict(
      DicomMetaDictionary.denaturalizeDataset({
        MediaStorageSOPClassUID: ds.SOPClassUID,
        MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
        TransferSyntaxUID: '1.2.840.10008.1.2.1',
        ImplementationClassUID: '2.25.1',
      }),
    );
    out.dict = DicomMetaDictionary.denaturalizeDataset({ ...ds, _vrMap: { PixelData: 'OB' } });
    const bytes = new Uint8Array(out.write());
    const whole = readDicomSeg(bytes, s);
    expect(whole.segmentationType).toBe('FRACTIONAL');
    for (const piece of [1, 500]) same(readInPieces(bytes, s, piece), whole);
  });

  it('leaves a truncated file to the whole-file reader (and its error)', async () => {
    const s = await series('ct-axial');
    const bytes = writeDicomSeg(labelsFor(s, false), s, {
      seriesDescription: 'x',
      segments: segments.slice(0, 2),
    });
    const cut = bytes.subarray(0, bytes.length - 30);
    expect(() => readDicomSeg(cut, s)).toThrow(/Not a readable DICOM file \(.*buffer overrun/);
    // not read in pieces: the caller reads it whole and reports that
    expect(readInPieces(cut, s, 50)).toBeUndefined();
  });
});
