/**
 * Label Map SEG (read and write), overlapping structures and codes in the SEG writer
 * (docs/seg.md). Independent checks: a label map SEG written by pydicom alone
 * (tests/fixtures/io/seg/make_labelmap_seg.py), pydicom reading Concord's files back, and
 * dciodvfy (Debian dicom3tools).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  InvalidInputError,
  LABELMAP_SEG_SOP_CLASS_UID,
  readDicomSeg,
  readDicomSeries,
  setDicomLibraryLogging,
  writeDicomSeg,
  type DicomFileInput,
  type DicomSeriesResult,
  type LabelVolume,
  type StructureCodes,
} from '../index.ts';
import { dcmjs } from '../dicom/dcmjs.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/io/dicom');
const PEER_WRITER = path.join(ROOT, 'tests/fixtures/io/seg/make_labelmap_seg.py');
const PYTHON = '/usr/bin/python3'; // Debian's, with pydicom and numpy
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-labelmap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const folder = (dir: string): DicomFileInput[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));

let axial: DicomSeriesResult;
let oblique: DicomSeriesResult;
beforeAll(async () => {
  axial = await readDicomSeries(folder(path.join(FIXTURES, 'ct-axial')));
  oblique = await readDicomSeries(folder(path.join(FIXTURES, 'ct-oblique')));
});

function labelsFor(
  s: DicomSeriesResult,
  f: (i: number, j: number, k: number) => number,
): LabelVolume {
  const [nx, ny, nz] = s.volume.dims;
  const data = new Uint16Array(nx * ny * nz);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[o++] = f(i, j, k);
  const { dims, spacing, origin, direction, frameOfReferenceUID } = s.volume;
  return { dims, spacing, origin, direction, frameOfReferenceUID, data };
}

// slice 1 holds no label: a label map SEG has no frame for it
const pattern = (i: number, j: number, k: number) =>
  k === 1 ? 0 : (i - 8) ** 2 + (j - 6) ** 2 + (k - 2) ** 2 < 10 ? 4 : j > 9 ? 9 : 0;

const SCT = (CodeValue: string, CodeMeaning: string) => ({
  CodeValue,
  CodingSchemeDesignator: 'SCT',
  CodeMeaning,
});
const frontal: StructureCodes = {
  category: SCT('91723000', 'Anatomical structure'),
  type: SCT('83251001', 'Frontal lobe'),
  typeModifier: SCT('7771000', 'Left'),
  anatomicRegion: SCT('12738006', 'Brain'),
};
const segments = [
  {
    label: 4,
    name: 'Frontal lobe',
    color: [230, 159, 0] as [number, number, number],
    codes: frontal,
  },
  { label: 9, name: 'Cerebellum', codes: { type: SCT('113305005', 'Cerebellum') } },
];

function write(file: string, bytes: Uint8Array): string {
  const f = path.join(tmp, file);
  writeFileSync(f, bytes);
  return f;
}

/** dciodvfy's output lines that say Error (and what IOD it took the file for). */
function dciodvfy(file: string): { iod: string; errors: string[] } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  return {
    iod: lines.find((l) => l && !/^(Error|Warning)/.test(l)) ?? '',
    errors: lines.filter((l) => /^Error/.test(l)),
  };
}

/** Runs Python (Debian's) on a script; returns stdout. */
function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const naturalize = (bytes: Uint8Array) =>
  dcmjs.data.DicomMetaDictionary.naturalizeDataset(
    dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict,
  );

describe('writeDicomSeg LABELMAP', () => {
  for (const name of ['axial', 'oblique'] as const) {
    it(`${name}: round-trips voxel-exactly, one frame per labelled slice, codes kept`, () => {
      const series = name === 'axial' ? axial : oblique;
      const labels = labelsFor(series, pattern);
      const seg = writeDicomSeg(labels, series, {
        seriesDescription: 'Label map',
        segmentationType: 'LABELMAP',
        algorithm: { name: 'Test', version: '1', type: 'AUTOMATIC' },
        segments,
      });
      const ds = naturalize(seg);
      expect(ds.SOPClassUID).toBe(LABELMAP_SEG_SOP_CLASS_UID);
      expect([ds.SegmentationType, ds.BitsAllocated, ds.BitsStored, ds.HighBit]).toEqual([
        'LABELMAP',
        8,
        8,
        7,
      ]);
      expect(ds.NumberOfFrames).toBe(series.volume.dims[2] - 1); // slice 1 has no frame
      const back = readDicomSeg(seg, series);
      expect(back.segmentationType).toBe('LABELMAP');
      expect(back.overlapping).toBe(false);
      // segment numbers are the ranks of the labels (4 -> 1, 9 -> 2), as in BINARY
      const remap = (v: number) => (v === 4 ? 1 : v === 9 ? 2 : 0);
      expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data, remap));
      expect(back.segments.map((s) => [s.segmentNumber, s.name, s.algorithmType])).toEqual([
        [1, 'Frontal lobe', 'AUTOMATIC'],
        [2, 'Cerebellum', 'AUTOMATIC'],
      ]);
      expect(back.segments[0].color).toEqual([230, 159, 0]);
      expect(back.labels.labels?.[0].codes).toEqual(frontal);
      expect(back.labels.labels?.[1].codes).toEqual({
        category: SCT('91723000', 'Anatomical structure'), // generic default category
        type: SCT('113305005', 'Cerebellum'),
      });
    });
  }

  it('pydicom reads the pixels back (independent decoder) and dciodvfy finds only the LABELMAP-specific gaps of its 2022 dictionary', () => {
    const labels = labelsFor(axial, pattern);
    const file = write(
      'lm.dcm',
      writeDicomSeg(labels, axial, {
        seriesDescription: 'x',
        segmentationType: 'LABELMAP',
        segments,
      }),
    );
    const py = JSON.parse(
      python(
        `import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array
frames = [f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID for f in ds.PerFrameFunctionalGroupsSequence]
print(json.dumps({"shape": list(a.shape), "frames": frames, "pixels": a.reshape(-1).tolist()}))`,
        file,
      ),
    ) as { shape: number[]; frames: string[]; pixels: number[] };
    const [nx, ny] = axial.volume.dims;
    expect(py.shape).toEqual([axial.volume.dims[2] - 1, ny, nx]);
    // each frame equals the slice of its source image
    const sliceOf = new Map(axial.slices.map((s, k) => [s.sopInstanceUID, k]));
    py.frames.forEach((uid, f) => {
      const k = sliceOf.get(uid)!;
      const want = Array.from(labels.data.subarray(k * nx * ny, (k + 1) * nx * ny), (v) =>
        v === 4 ? 1 : v === 9 ? 2 : 0,
      );
      expect(py.pixels.slice(f * nx * ny, (f + 1) * nx * ny)).toEqual(want);
    });

    // dicom3tools 1.00~20220618 predates the Label Map IOD (DICOM 2024): it does not know the
    // SOP class. Checked against the Segmentation IOD instead, only what LABELMAP changes is flagged.
    expect(dciodvfy(file).errors).toEqual(['Error - Information Object Not found']);
    const asSeg = path.join(tmp, 'lm-as-seg.dcm');
    python(
      `import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.66.4'
ds.save_as(sys.argv[2])`,
      file,
      asSeg,
    );
    const v = dciodvfy(asSeg);
    expect(v.iod).toBe('Segmentation');
    expect([...new Set(v.errors)]).toEqual([
      'Error - Unrecognized enumerated value <LABELMAP> for value 1 of attribute <Segmentation Type>',
      'Error - Missing attribute Type 1 Required Element=<SegmentIdentificationSequence> Module=<SegmentationMacro>',
    ]);
  });

  it('writes 16-bit frames for more than 255 segments', () => {
    const labels = labelsFor(axial, (i, j, k) => 1 + i + 16 * j + 192 * (k % 2)); // 384 labels
    const defs = Array.from({ length: 384 }, (_, n) => ({ label: n + 1, name: `S${n + 1}` }));
    const seg = writeDicomSeg(labels, axial, {
      seriesDescription: 'many',
      segmentationType: 'LABELMAP',
      segments: defs,
    });
    expect(naturalize(seg).BitsAllocated).toBe(16);
    const back = readDicomSeg(seg, axial);
    expect(back.labels.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(back.labels.data)).toEqual(Array.from(labels.data));
  });

  it('refuses overlapping structures (one line)', () => {
    const labels = labelsFor(axial, pattern);
    const layer1 = new Uint16Array(labels.data.length).fill(5);
    expect(() =>
      writeDicomSeg({ ...labels, overlapLayers: [layer1] }, axial, {
        seriesDescription: 'x',
        segmentationType: 'LABELMAP',
        segments: [...segments, { label: 5, name: 'Brain', layer: 1 }],
      }),
    ).toThrow(
      /^A LABELMAP SEG cannot hold overlapping structures \(the labelmap has 2 layers\): write a BINARY SEG$/,
    );
  });
});

describe('readDicomSeg on label map SEGs written by another tool (pydicom)', () => {
  function peer(name: string, ...args: string[]): { bytes: Uint8Array; expected: number[] } {
    const out = path.join(tmp, name);
    const r = spawnSync(PYTHON, [PEER_WRITER, path.join(FIXTURES, 'ct-axial'), out, ...args], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return { bytes: new Uint8Array(readFileSync(out)), expected: JSON.parse(r.stdout) };
  }

  const cases: [string, string[]][] = [
    ['8-bit, implicit VR, frames by source image', ['--implicit']],
    ['8-bit, frames by position only', ['--by-position']],
    ['16-bit, Pixel Padding Value 7 as background', ['--bits', '16', '--padding', '7']],
  ];
  for (const [what, args] of cases) {
    it(`${what}: exact, absent frames are background`, () => {
      const { bytes, expected } = peer(`peer-${args.join('')}.dcm`, ...args);
      const back = readDicomSeg(bytes, axial);
      expect(back.segmentationType).toBe('LABELMAP');
      expect(Array.from(back.labels.data)).toEqual(expected);
      const second = args.includes('16') ? 300 : 9;
      expect(back.segments.map((s) => [s.segmentNumber, s.name, s.type?.CodeValue])).toEqual([
        [5, 'Frontal lobe', '83251001'],
        [second, 'Cerebellum', '113305005'],
      ]);
      expect(back.labels.labels?.[0].codes?.typeModifier?.CodeValue).toBe('51440002');
    });
  }

  it('dcmjs logs nothing unless asked (setDicomLibraryLogging)', () => {
    // implicit VR makes dcmjs log "Invalid vr type ox - using OW"; loglevel binds the console
    // methods when a level is set, so the spies go in first
    const { bytes } = peer('peer-quiet.dcm', '--implicit');
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    try {
      // the SEG reader leaves the pixel data to dicom-parser (seg/parse.ts): dcmjs's whole-file
      // read is what still logs here
      const dcmjsRead = () => dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
      setDicomLibraryLogging(false); // the default, as core sets it on load
      readDicomSeg(bytes, axial);
      dcmjsRead();
      for (const s of spies) expect(s).not.toHaveBeenCalled();
      setDicomLibraryLogging(true);
      dcmjsRead();
      expect(spies[3].mock.calls.map((c) => c.join(' '))).toContain(
        'Invalid vr type ox - using OW',
      );
    } finally {
      setDicomLibraryLogging(false);
      for (const s of spies) s.mockRestore();
    }
  });

  it('a pixel value that is not a segment number: one-line InvalidInputError', () => {
    const { bytes } = peer('peer-stray.dcm', '--stray', '6');
    expect(() => readDicomSeg(bytes, axial)).toThrow(InvalidInputError);
    expect(() => readDicomSeg(bytes, axial)).toThrow(
      /^LABELMAP SEG frame \d+ holds pixel value 6, which is not a segment number \(defined: 5, 9\)$/,
    );
  });

  it('a label map SEG of another series: one-line InvalidInputError', () => {
    const { bytes } = peer('peer-other.dcm', '--other-series');
    expect(() => readDicomSeg(bytes, axial)).toThrow(
      /^The SEG references another series \([\d.]+\), not the given series [\d.]+$/,
    );
  });

  it('two frames that label one pixel differently: InvalidInputError (a label map cannot overlap)', () => {
    const seg = writeDicomSeg(labelsFor(axial, pattern), axial, {
      seriesDescription: 'x',
      segmentationType: 'LABELMAP',
      segments,
    });
    const ds = naturalize(seg);
    // point frame 2 at the source image of frame 1
    const groups = ds.PerFrameFunctionalGroupsSequence as Record<string, unknown>[];
    groups[1] = groups[0];
    const px = new Uint8Array((ds.PixelData as ArrayBuffer[])[0]);
    const n = 16 * 12;
    px.copyWithin(n, 0, n);
    const p = px.findIndex((v) => v !== 0); // a labelled pixel of frame 1
    px[n + p] = px[p] === 1 ? 2 : 1;
    expect(() => readDicomSeg(denaturalize(ds), axial)).toThrow(
      /^LABELMAP SEG frames 1 and 2 give one pixel of slice \d+ two segments \(\d and \d\); a label map cannot overlap$/,
    );
  });
});

describe('writeDicomSeg BINARY with overlapping structures and codes', () => {
  it('writes each structure from its own layer: overlap comes back exactly, dciodvfy clean', () => {
    const base = labelsFor(axial, pattern);
    const data = Uint8Array.from(base.data);
    // structure 5 overlaps both 4 and 9 (and background) on layer 1
    const layer1 = Uint8Array.from(labelsFor(axial, (i, _j, k) => (i < 10 && k > 0 ? 5 : 0)).data);
    const labels: LabelVolume = {
      ...base,
      data,
      overlapLayers: [layer1],
      labels: [
        { label: 4, name: 'Frontal lobe', codes: frontal },
        { label: 5, name: 'Brain', layer: 1, codes: { type: SCT('12738006', 'Brain') } },
        { label: 9, name: 'Cerebellum' },
      ],
    };
    const seg = writeDicomSeg(labels, axial, {
      seriesDescription: 'overlap',
      segments: labels.labels!.map((l) => ({ label: l.label, name: l.name })),
    });
    const file = write('overlap.dcm', seg);
    const v = dciodvfy(file);
    expect(v.iod).toBe('Segmentation');
    expect(v.errors).toEqual([]);
    const back = readDicomSeg(seg, axial);
    expect(back.overlapping).toBe(true);
    // each segment's mask from the layer that holds it (docs/structures.md)
    const mask = (n: number) => {
      const info = back.labels.labels!.find((l) => l.label === n)!;
      const layer = [back.labels.data, ...(back.labels.overlapLayers ?? [])][info.layer ?? 0];
      return Uint8Array.from(layer, (v) => (v === n ? 1 : 0));
    };
    expect(Array.from(mask(1))).toEqual(Array.from(data, (v) => (v === 4 ? 1 : 0)));
    expect(Array.from(mask(2))).toEqual(Array.from(layer1, (v) => (v === 5 ? 1 : 0)));
    expect(Array.from(mask(3))).toEqual(Array.from(data, (v) => (v === 9 ? 1 : 0)));
    // codes from LabelInfo.codes when the segment definitions have none
    const ds = naturalize(seg);
    const items = ds.SegmentSequence as Record<string, unknown>[];
    const typeOf = (s: Record<string, unknown>) =>
      (s.SegmentedPropertyTypeCodeSequence as Record<string, unknown>[])[0];
    expect(items.map((s) => typeOf(s).CodeValue)).toEqual(['83251001', '12738006', '85756007']);
    expect(
      (typeOf(items[0]).SegmentedPropertyTypeModifierCodeSequence as Record<string, unknown>[])[0]
        .CodeValue,
    ).toBe('7771000');
    expect((items[0].AnatomicRegionSequence as Record<string, unknown>[])[0].CodeValue).toBe(
      '12738006',
    );
  });

  it('refuses a label found on another layer than its structure says', () => {
    const base = labelsFor(axial, pattern);
    const layer1 = new Uint16Array(base.data.length);
    layer1[0] = 4;
    expect(() =>
      writeDicomSeg({ ...base, overlapLayers: [layer1] }, axial, {
        seriesDescription: 'x',
        segments,
      }),
    ).toThrow(/^Label 4 is on layer 1 of the labelmap but its structure is on layer 0$/);
  });
});

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
