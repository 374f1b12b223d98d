import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDicomSeg, readDicomSeries, writeDicomSeg, type LabelVolume } from '../index.ts';
import {
  imageVolumeGrid,
  LabelCounter,
  overlayLabels,
  seriesForLabelReaders,
} from './labelmapOnSeries.ts';

const FIXTURES = fileURLToPath(new URL('../../../../tests/fixtures/io/dicom', import.meta.url));

const LESION = { CodeValue: '52988006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Lesion' };

describe('labelmap on the displayed series (shared by the viewer hosts)', () => {
  it('a SEG read onto the series as a viewer describes it is voxel-exact (oblique CT)', async () => {
    const dir = path.join(FIXTURES, 'ct-oblique');
    const series = await readDicomSeries(
      readdirSync(dir)
        .filter((n) => n.endsWith('.dcm'))
        .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(dir, n))) })),
    );
    const [nx, ny, nz] = series.volume.dims;
    const data = new Uint8Array(nx * ny * nz).map((_, o) => (o % 7 === 0 ? 1 + (o % 3) : 0));
    const labels: LabelVolume = { ...series.volume, data };
    const seg = writeDicomSeg(labels, series, {
      seriesDescription: 'x',
      segments: [1, 2, 3].map((label) => ({ label, name: `S${label}` })),
    });
    // what a viewer knows: its volume's geometry (Cornerstone's field names), and per slice
    // the instance and position from its metadata store
    const v = series.volume;
    const grid = imageVolumeGrid({
      dimensions: v.dims,
      spacing: v.spacing,
      origin: v.origin,
      direction: Float32Array.from(v.direction),
      metadata: { FrameOfReferenceUID: v.frameOfReferenceUID },
    });
    const described = seriesForLabelReaders(
      grid,
      series.seriesInstanceUID,
      series.slices.map((s) => ({ sopInstanceUID: s.sopInstanceUID, position: s.position })),
    );
    const back = readDicomSeg(seg, described);
    expect(Array.from(back.labels.data)).toEqual(Array.from(data));
    expect(back.labels.dims).toEqual(v.dims);
  });

  it('LabelCounter counts each label over the slices added (8 and 16 bit)', () => {
    const u16 = Uint16Array.from({ length: 5000 }, (_, i) =>
      (i * 7919) % 40000 === 0 ? 0 : i % 301,
    );
    const counter = new LabelCounter(u16);
    for (let o = 0; o < u16.length; o += 1000) counter.add(u16.subarray(o, o + 1000));
    const naive: Record<number, number> = {};
    for (const v of u16) if (v) naive[v] = (naive[v] ?? 0) + 1;
    expect(counter.counts()).toEqual(naive);
    const u8 = new LabelCounter(new Uint8Array(0));
    u8.add(Uint8Array.of(0, 255, 255, 3));
    expect(u8.counts()).toEqual({ 3: 1, 255: 2 });
  });

  it('overlayLabels: described and present labels, names/colours kept or filled in', () => {
    const grey = (l: number): [number, number, number] => [l, l, l];
    const labels = overlayLabels(
      [
        {
          label: 4,
          name: 'Lesion',
          layer: 1,
          codes: { type: LESION },
        },
        { label: 1, name: 'Liver', color: [1, 2, 3] },
      ],
      { 1: 10, 2: 5, 0: 99 },
      grey,
    );
    expect(labels).toEqual([
      { label: 1, name: 'Liver', color: [1, 2, 3] },
      { label: 2, name: 'Label 2', color: [2, 2, 2] },
      {
        label: 4,
        name: 'Lesion',
        color: [4, 4, 4],
        layer: 1,
        codes: { type: LESION },
      },
    ]);
  });
});
