/**
 * readRtStruct on RTSTRUCTs written by pydicom (tests/fixtures/rtstruct/make_edge_cases.py, whose
 * expected voxels come from an independent ray-casting test in Python) and on pydicom's own
 * rtstruct.dcm test file. The comparison with plastimatch's rasteriser on the sample is in
 * tests/integration/io/rtstruct.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  dicomSopClassUID,
  isDicomBytes,
  readDicomSeries,
  type DicomSeriesResult,
} from '../dicom/index.ts';
import { readLabelFile } from '../node/files.ts';
import { InvalidInputError } from '../errors/index.ts';
import { labelLayers } from '../geometry/index.ts';
import { fillPolygonsEvenOdd, readRtStruct, roiLabels } from './index.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/rtstruct');
const SERIES = path.join(ROOT, 'tests/fixtures/io/dicom');
const PYDICOM_RTSTRUCT = '/usr/lib/python3/dist-packages/pydicom/data/test_files/rtstruct.dcm';

const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
  holes: { rois: Record<string, { roiNumber: number; name: string; voxels: number[] }> };
  oblique: { rois: Record<string, { roiNumber: number; name: string; voxels: number[] }> };
  errors: Record<string, string>;
};

const bytesOf = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, `${name}.dcm`)));

async function series(name: string): Promise<DicomSeriesResult> {
  const dir = path.join(SERIES, name);
  return readDicomSeries(
    readdirSync(dir).map((f) => ({
      name: f,
      bytes: new Uint8Array(readFileSync(path.join(dir, f))),
    })),
  );
}

/** The flat voxel indices where structure `label` is (on whichever layer holds it). */
function voxelsOf(v: ReturnType<typeof readRtStruct>['labels'], label: number): number[] {
  const layer = labelLayers(v)[v.labels!.find((l) => l.label === label)!.layer ?? 0];
  const out: number[] = [];
  layer.forEach((x, i) => x === label && out.push(i));
  return out;
}

describe('fillPolygonsEvenOdd', () => {
  it('fills pixel centres inside; a nested polygon is a hole; shared edges go to one side', () => {
    const out = new Uint8Array(10 * 10);
    // outer square centres 1..7 (edges at 0.5, 7.5), hole centres 3..5 (edges 2.5, 5.5)
    const n = fillPolygonsEvenOdd(
      [
        [0.5, 0.5, 7.5, 0.5, 7.5, 7.5, 0.5, 7.5],
        [2.5, 2.5, 5.5, 2.5, 5.5, 5.5, 2.5, 5.5],
      ],
      10,
      10,
      out,
    );
    expect(n).toBe(7 * 7 - 3 * 3);
    expect(out[4 * 10 + 4]).toBe(0);
    expect(out[1 * 10 + 1]).toBe(1);
    // two squares sharing the edge x = 4: its centres belong to the right one only
    const left = new Uint8Array(10 * 10);
    const right = new Uint8Array(10 * 10);
    fillPolygonsEvenOdd([[0, 0, 4, 0, 4, 4, 0, 4]], 10, 10, left);
    fillPolygonsEvenOdd([[4, 0, 8, 0, 8, 4, 4, 4]], 10, 10, right);
    for (let p = 0; p < 100; p++) expect(left[p] & right[p]).toBe(0);
    expect(left.reduce((s, x) => s + x, 0) + right.reduce((s, x) => s + x, 0)).toBe(8 * 4);
  });
});

describe('roiLabels', () => {
  it('keeps ROI numbers 1..65535; ranks them from 1 when any is 0', () => {
    expect([...roiLabels([3, 1, 7])]).toEqual([
      [1, 1],
      [3, 3],
      [7, 7],
    ]);
    expect([...roiLabels([2, 0, 5])]).toEqual([
      [0, 1],
      [2, 2],
      [5, 3],
    ]);
  });
});

describe('readRtStruct on pydicom-written RTSTRUCTs', () => {
  it('holes.dcm: nested contours are holes, an overlapping ROI gets its own layer, ROI 0 is label 1, POINT and empty ROIs are noted', async () => {
    const r = readRtStruct(bytesOf('holes'), await series('ct-axial'));
    for (const [label, roi] of Object.entries(expected.holes.rois)) {
      expect(voxelsOf(r.labels, Number(label)), roi.name).toEqual(roi.voxels);
    }
    expect(r.rois.map((x) => [x.roiNumber, x.label, x.name, x.layer, x.voxels])).toEqual([
      [0, 1, 'Ring', 0, expected.holes.rois['1'].voxels.length],
      [1, 2, 'Körper', 1, expected.holes.rois['2'].voxels.length],
      [3, 4, 'Empty', 0, 0],
    ]);
    expect(r.overlapping).toBe(true);
    expect(r.labels.overlapLayers).toHaveLength(1);
    expect(r.labels.data).toBeInstanceOf(Uint8Array);
    expect(r.labels.labels?.[0]).toEqual({
      label: 1,
      name: 'Ring',
      color: [255, 0, 0],
      layer: 0,
      codes: {
        type: { CodeValue: '12738006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Brain' },
      },
    });
    expect(r.notes).toEqual([
      'ROI 2 "Marker" skipped: it has no closed planar contour (1 POINT)',
      'ROI 3 "Empty" is empty: it has no voxel on the series grid',
    ]);
    expect(r.rois[0].interpretedType).toBe('ORGAN');
  });

  it('oblique.dcm: contours on an oblique series, tied by position (also deflated)', async () => {
    const s = await series('ct-oblique');
    const roi = expected.oblique.rois['7'];
    expect(roi.voxels.length).toBeGreaterThan(100);
    for (const name of ['oblique', 'oblique-deflated']) {
      const r = readRtStruct(bytesOf(name), s);
      expect(voxelsOf(r.labels, 7), name).toEqual(roi.voxels);
      expect(r.notes).toEqual([]);
    }
  });

  for (const [name, message] of Object.entries(expected.errors)) {
    it(`${name}.dcm: one-line InvalidInputError "${message}…"`, async () => {
      const s = await series('ct-axial');
      let error: unknown;
      try {
        readRtStruct(bytesOf(name), s);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      const text = (error as Error).message;
      expect(text.startsWith(message), text).toBe(true);
      expect(text).not.toContain('\n');
    });
  }
});

describe("pydicom's rtstruct.dcm (a bare data set: no preamble, no meta header)", () => {
  const bytes = () => new Uint8Array(readFileSync(PYDICOM_RTSTRUCT));
  it('is told from NIfTI by content and recognised as an RTSTRUCT by its SOP class', async () => {
    const nifti = path.join(ROOT, 'samples/colin27/reference-labels.nii.gz');
    expect(isDicomBytes(bytes())).toBe(true);
    expect(isDicomBytes(new Uint8Array(readFileSync(nifti)))).toBe(false);
    expect(dicomSopClassUID(bytes())).toBe('1.2.840.10008.5.1.4.1.1.481.3');
    const s = await series('ct-axial');
    await expect(readLabelFile(PYDICOM_RTSTRUCT, { series: s })).rejects.toThrow(
      /^The RTSTRUCT references another series/,
    );
    expect((await readLabelFile(nifti)).kind).toBe('nifti');
  });

  it('is on a series that is not available: "references another series"', async () => {
    expect(existsSync(PYDICOM_RTSTRUCT), 'Debian python3-pydicom').toBe(true);
    const s = await series('ct-axial');
    expect(() => readRtStruct(bytes(), s)).toThrow(
      /^The RTSTRUCT references another series \(series 1\.2\.826\.0\.1\.3680043\.8\.498\.2010020400001\.2\.1\.1\)/,
    );
  });

  it('on a grid of its own series: the 400 x 300 mm patient box on 3 slices, two POINT ROIs skipped', () => {
    // 10 mm pixels whose centres lie strictly inside the box or outside it: 40 x 30 per slice
    const sliceUids: string[] = [];
    const grid: DicomSeriesResult = {
      volume: {
        dims: [44, 34, 3],
        spacing: [10, 10, 10],
        origin: [-215, -165, -200],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        frameOfReferenceUID: '1.2.826.0.1.3680043.8.498.2010020400001.2',
        data: new Uint8Array(0),
      },
      studyInstanceUID: '1.2.826.0.1.3680043.8.498.2010020400001.1',
      seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2010020400001.2.1.1',
      frameOfReferenceUID: '1.2.826.0.1.3680043.8.498.2010020400001.2',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUIDs: sliceUids,
      instanceMetadata: [],
      slices: [],
      warnings: [],
    };
    const r = readRtStruct(bytes(), grid);
    expect(r.rois.map((x) => [x.roiNumber, x.label, x.name, x.voxels])).toEqual([
      [1, 1, 'patient', 3 * 40 * 30],
    ]);
    expect(r.rois[0].color).toEqual([220, 160, 120]);
    expect(r.rois[0].interpretedType).toBe('EXTERNAL');
    expect(r.notes).toEqual([
      'ROI 2 "Isocenter 1" skipped: it has no closed planar contour (1 POINT)',
      'ROI 3 "Isocenter 2" skipped: it has no closed planar contour (1 POINT)',
    ]);
    // the box: i 2..41, j 2..31 on every slice
    const d = r.labels.data;
    expect(d[2 + 44 * 2]).toBe(1);
    expect(d[1 + 44 * 2]).toBe(0);
    expect(d[41 + 44 * (31 + 34 * 2)]).toBe(1);
    expect(d[42 + 44 * 31]).toBe(0);
  });
});
