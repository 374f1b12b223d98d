/**
 * The first part of a multipart/related answer (WADO-RS, RFC 2046) as it arrives: a DICOMweb
 * instance is one part, so its DICOM bytes can be decoded while the rest is on its way, as for a
 * plain download (viewer/labelFiles.ts). DOM-free.
 */
import type { ChunkReader } from '../viewer/arrivingBytes.ts';

/** The boundary of a `multipart/…` Content-Type; null for any other type. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = contentType.match(/;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return m ? (m[1] ?? m[2]) : null;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (a: Uint8Array, b: Uint8Array) => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Index of `needle` in `hay` at or after `from`, or -1 (first byte found natively). */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const last = hay.length - needle.length;
  for (
    let i = hay.indexOf(needle[0], from);
    i !== -1 && i <= last;
    i = hay.indexOf(needle[0], i + 1)
  ) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** A multipart answer that is not what the reader expects. */
export class MultipartError extends Error {
  override name = 'MultipartError';
}

/**
 * The body of the first part of `reader`'s multipart stream, chunk by chunk: the preamble, the
 * part's headers and everything from its closing delimiter (`CRLF--boundary`) on are dropped.
 * Only the last delimiter-length bytes are held back at any time.
 */
export function firstPartBody(reader: ChunkReader, boundary: string): ChunkReader {
  const dashBoundary = ascii(`--${boundary}`);
  const delimiter = ascii(`\r\n--${boundary}`);
  const headersEnd = ascii('\r\n\r\n');
  let state: 'headers' | 'body' | 'done' = 'headers';
  let pending: Uint8Array = new Uint8Array(0);

  /** The body bytes of `pending` that can be given out now (and the state that follows). */
  const take = (ended: boolean): Uint8Array | null => {
    if (state === 'headers') {
      const start = indexOfBytes(pending, dashBoundary);
      const end = start < 0 ? -1 : indexOfBytes(pending, headersEnd, start + dashBoundary.length);
      if (end < 0) {
        if (ended) throw new MultipartError('The multipart answer ended before its first part');
        return null;
      }
      pending = pending.subarray(end + headersEnd.length);
      state = 'body';
    }
    if (state !== 'body') return null;
    const at = indexOfBytes(pending, delimiter);
    if (at >= 0) {
      state = 'done';
      const body = pending.subarray(0, at);
      pending = new Uint8Array(0);
      return body;
    }
    if (ended)
      throw new MultipartError(
        'The multipart answer ended inside its first part (no closing boundary)',
      );
    // the tail may be the start of the delimiter: keep it for the next chunk
    const keep = Math.min(pending.length, delimiter.length - 1);
    const body = pending.subarray(0, pending.length - keep);
    pending = pending.slice(pending.length - keep);
    return body;
  };

  // a function: `take` changes the state between two looks
  const finished = () => state === 'done';
  return {
    async read() {
      for (;;) {
        if (finished()) return { done: true };
        const { done, value } = await reader.read();
        if (value?.length) pending = concat(pending, value);
        const body = take(done);
        if (body?.length) return { done: false, value: body };
        if (done && finished()) return { done: true };
      }
    },
  };
}
