import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readDicomSeries } from '../dicom/index.ts';
import { readHeaderBytes, readSeriesFolder } from './files.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests/fixtures/io/dicom');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readSeriesFolder without pixels (the grid a SEG or RTSTRUCT maps onto)', () => {
  for (const name of ['ct-axial', 'ct-oblique']) {
    it(`${name}: the same grid, slices and metadata as a full read, no pixel data`, async () => {
      const dir = path.join(FIXTURES, name);
      const full = await readSeriesFolder(dir);
      const geometry = await readSeriesFolder(dir, { pixels: false });
      expect(full.volume.data.length).toBe(full.volume.dims.reduce((a, b) => a * b));
      expect(geometry.volume.data.length).toBe(0);
      const { data: _a, ...fullGrid } = full.volume;
      const { data: _b, ...grid } = geometry.volume;
      expect(grid).toEqual(fullGrid);
      expect({ ...geometry, volume: null }).toEqual({ ...full, volume: null });
    });
  }

  it('reads the bytes up to the pixel data of each file, all of a file whose header is longer', async () => {
    const dir = path.join(FIXTURES, 'ct-axial');
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(dir).filter((n) => n.endsWith('.dcm'));
    const whole = names.map((n) => ({
      name: n,
      bytes: new Uint8Array(readFileSync(path.join(dir, n))),
    }));
    const heads = names.map((n, i) => {
      // where the Pixel Data element (7FE0,0010) starts
      const pixelAt = Buffer.from(whole[i].bytes).lastIndexOf(
        Buffer.from([0xe0, 0x7f, 0x10, 0x00]),
      );
      expect(pixelAt).toBeGreaterThan(132);
      expect(readHeaderBytes(path.join(dir, n), 'file', pixelAt - 4).length).toBe(
        whole[i].bytes.length,
      );
      const head = readHeaderBytes(path.join(dir, n), 'file', pixelAt + 12);
      expect(head.length).toBe(pixelAt + 12);
      return { name: n, bytes: head };
    });
    const full = await readDicomSeries(whole);
    const geometry = await readDicomSeries(heads, { pixels: false });
    expect(geometry.slices).toEqual(full.slices);
    expect({ ...geometry.volume, data: null }).toEqual({ ...full.volume, data: null });
    await expect(readDicomSeries(heads)).rejects.toThrow(/truncated/);
  });

  it('reads a file whole when its header runs past the first bytes read', async () => {
    const dir = path.join(tmp, 'long-header');
    cpSync(path.join(FIXTURES, 'ct-axial'), dir, { recursive: true });
    const { readdirSync } = await import('node:fs');
    // a 40 KB private element (0009,1010) before the pixel data in one file
    const f = path.join(
      dir,
      readdirSync(dir).find((n) => n.endsWith('.dcm'))!,
    );
    const bytes = readFileSync(f);
    const at = bytes.indexOf(Buffer.from([0x10, 0x00, 0x10, 0x00])); // (0010,0010) PatientName
    expect(at).toBeGreaterThan(132);
    const value = Buffer.alloc(40 * 1024, 0x41);
    const el = Buffer.concat([
      Buffer.from([0x09, 0x00, 0x10, 0x10, 0x4f, 0x42, 0, 0]), // (0009,1010) OB, 4-byte length
      Buffer.from(Uint32Array.of(value.length).buffer),
      value,
    ]);
    writeFileSync(f, Buffer.concat([bytes.subarray(0, at), el, bytes.subarray(at)]));
    const full = await readSeriesFolder(dir);
    const geometry = await readSeriesFolder(dir, { pixels: false });
    expect(geometry.volume.data.length).toBe(0);
    expect(geometry.slices).toEqual(full.slices);
    expect(geometry.volume.spacing).toEqual(full.volume.spacing);
  });
});
