import { describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { PDFDocument } from 'pdf-lib';
import { decodePng, encodePng } from './png.ts';

describe('png', () => {
  it('round-trips RGB and RGBA images', () => {
    for (const channels of [3, 4] as const) {
      const width = 7;
      const height = 5;
      const data = new Uint8Array(width * height * channels).map((_, i) => (i * 37 + 11) & 0xff);
      const png = encodePng({ width, height, channels, data });
      expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      const back = decodePng(png);
      expect(back).toMatchObject({ width, height, channels });
      expect([...back.data]).toEqual([...data]);
    }
  });

  it('writes PNGs that pdf-lib embeds (the PDF slice images)', async () => {
    const doc = await PDFDocument.create();
    const data = new Uint8Array(4 * 3 * 3).fill(200);
    const image = await doc.embedPng(encodePng({ width: 4, height: 3, channels: 3, data }));
    expect([image.width, image.height]).toEqual([4, 3]);
  });

  it('decodes greyscale, grey+alpha, 16-bit and palette PNGs to 8-bit RGB(A)', () => {
    const grey = decodePng(
      encode({ width: 2, height: 1, channels: 1, depth: 8, data: new Uint8Array([0, 200]) }),
    );
    expect(grey).toMatchObject({ channels: 3 });
    expect([...grey.data]).toEqual([0, 0, 0, 200, 200, 200]);
    const ga = decodePng(
      encode({ width: 1, height: 1, channels: 2, depth: 8, data: new Uint8Array([9, 99]) }),
    );
    expect([ga.channels, ...ga.data]).toEqual([4, 9, 9, 9, 99]);
    const deep = decodePng(
      encode({
        width: 1,
        height: 1,
        channels: 3,
        depth: 16,
        data: new Uint16Array([0xff00, 0x1234, 0x0001]),
      }),
    );
    expect([...deep.data]).toEqual([0xff, 0x12, 0x00]);
    const indexed = decodePng(
      encode({
        width: 2,
        height: 1,
        channels: 1,
        depth: 8,
        data: new Uint8Array([1, 0]),
        palette: [
          [10, 20, 30],
          [40, 50, 60],
        ],
      }),
    );
    expect([indexed.channels, ...indexed.data]).toEqual([3, 40, 50, 60, 10, 20, 30]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() =>
      encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }),
    ).toThrow();
  });
});
