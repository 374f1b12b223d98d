import { InvalidInputError } from '../errors/index.ts';

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets, each
 * segment PackBits-encoded and holding one byte plane (most significant byte first, per sample).
 * Returns the frame as native little-endian bytes, samples interleaved (colour-by-pixel).
 */
export function decodeRleFrame(
  frame: Uint8Array,
  rows: number,
  columns: number,
  bytesPerSample: number,
  samplesPerPixel: number,
): Uint8Array {
  if (frame.length < 64) throw new InvalidInputError('RLE frame is truncated (no header)');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = bytesPerSample * samplesPerPixel;
  if (segments !== expected) {
    throw new InvalidInputError(
      `RLE frame has ${segments} segments where ${expected} are expected (${samplesPerPixel} sample(s) of ${bytesPerSample} byte(s))`,
    );
  }
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const sample = Math.floor(s / bytesPerSample);
    // segment order is MSB first; little-endian output puts the MSB at the highest address
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const offset = sample * bytesPerSample + byteInSample;
    unpackBits(frame, start, Math.min(end, frame.length), out, offset, expected, pixels);
  }
  return out;
}

function unpackBits(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number,
  stride: number,
  count: number,
): void {
  let p = start;
  let o = 0;
  while (o < count && p < end) {
    const n = (src[p++] << 24) >> 24; // signed header byte
    if (n >= 0) {
      for (let i = 0; i <= n && o < count; i++) out[offset + stride * o++] = src[p++];
    } else if (n !== -128) {
      const v = src[p++];
      for (let i = 0; i < 1 - n && o < count; i++) out[offset + stride * o++] = v;
    }
  }
  if (o < count) {
    throw new InvalidInputError(
      `RLE segment ended after ${o} of ${count} pixels (truncated frame)`,
    );
  }
}
