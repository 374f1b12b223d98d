import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng } from './png.ts';

describe('png', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips RGB and RGBA images', () => {
    for (const channels of [3, 4] as const) {
      const width = 7;
      const height = 5;
      const data = new Uint8Array(width * height * channels).map((_, i) => (i * 37 + 11) & 0xff);
      const png = encodePng({ width, height, channels, data });
      expect([...png.subarray(1, 4)]).toEqual([80, 78, 71]);
      const back = decodePng(png);
      expect(back).toMatchObject({ width, height, channels });
      expect([...back.data]).toEqual([...data]);
    }
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() =>
      encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }),
    ).toThrow();
  });
});
