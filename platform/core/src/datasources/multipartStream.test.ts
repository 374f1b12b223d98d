import { describe, expect, it } from 'vitest';
import type { ChunkReader } from '../viewer/arrivingBytes.ts';
import { firstPartBody, indexOfBytes, multipartBoundary } from './multipartStream.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/** A reader giving `bytes` in chunks of the given sizes (the last size repeats). */
function chunked(bytes: Uint8Array, sizes: number[]): ChunkReader {
  let offset = 0;
  let i = 0;
  return {
    read: async () => {
      if (offset >= bytes.length) return { done: true };
      const n = sizes[Math.min(i++, sizes.length - 1)];
      const value = bytes.slice(offset, offset + n);
      offset += n;
      return { done: false, value };
    },
  };
}

async function drain(reader: ChunkReader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value) parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

const BOUNDARY = 'Orthanc-b0a9';
/** A body holding almost-delimiters: CRLF--, CRLF--Orthanc, the boundary without its CRLF. */
const PAYLOAD = (() => {
  const b = new Uint8Array(5000);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7919) % 251;
  b.set(enc('\r\n--'), 100);
  b.set(enc(`\r\n--Orthanc-b0a`), 2000);
  b.set(enc(`--${BOUNDARY}`), 3000);
  return b;
})();
const answer = (epilogue = `\r\n--${BOUNDARY}--\r\n`, preamble = '') =>
  new Uint8Array([
    ...enc(`${preamble}--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    ...PAYLOAD,
    ...enc(epilogue),
  ]);

describe('WADO-RS multipart answer, streamed', () => {
  it('reads the boundary of a multipart Content-Type, quoted or not', () => {
    expect(multipartBoundary('multipart/related; type="application/dicom"; boundary=abc')).toBe(
      'abc',
    );
    expect(multipartBoundary('multipart/related; boundary="a b:c"; type=application/dicom')).toBe(
      'a b:c',
    );
    expect(multipartBoundary('application/dicom')).toBeNull();
    expect(multipartBoundary(null)).toBeNull();
  });

  it('finds byte strings at and after an offset', () => {
    const hay = enc('xx\r\n--b\r\n--bound');
    expect(indexOfBytes(hay, enc('\r\n--bound'))).toBe(7);
    expect(indexOfBytes(hay, enc('\r\n--'), 3)).toBe(7);
    expect(indexOfBytes(hay, enc('\r\n--boundary'))).toBe(-1);
  });

  it('gives exactly the first part body, whatever the chunk sizes', async () => {
    for (const sizes of [[1], [7], [64], [33, 1, 2, 5000], [10_000], [47, 4998, 3]])
      expect(await drain(firstPartBody(chunked(answer(), sizes), BOUNDARY)), String(sizes)).toEqual(
        PAYLOAD,
      );
  });

  it('drops a preamble, a second part and an epilogue', async () => {
    const more = `\r\n--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\nSECOND\r\n--${BOUNDARY}--\r\nbye`;
    const bytes = answer(more, 'preamble text\r\n');
    expect(await drain(firstPartBody(chunked(bytes, [13]), BOUNDARY))).toEqual(PAYLOAD);
  });

  it('an answer cut before its closing boundary is an error, not a short file', async () => {
    const cut = answer('');
    await expect(drain(firstPartBody(chunked(cut, [256]), BOUNDARY))).rejects.toThrow(
      /ended inside its first part/,
    );
    await expect(drain(firstPartBody(chunked(enc('--Orth'), [3]), BOUNDARY))).rejects.toThrow(
      /ended before its first part/,
    );
  });
});
