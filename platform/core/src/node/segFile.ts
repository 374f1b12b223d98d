/**
 * A DICOM SEG file read in pieces (docs/performance.md): the attributes before the pixel data
 * from a prefix of the file, then the pixel data one piece at a time into one reused buffer. A
 * 116-segment SEG of a 512x512x300 series is 220 MB, nearly all pixel data: read whole it is
 * a buffer of that size (and as much fresh memory touched) for each SEG of a comparison.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isDicomPart10, type DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError } from '../errors/index.ts';
import { piecewiseSegHeader, type PiecewiseSegHeader } from '../seg/parse.ts';
import { readDicomSegPieces, type DicomSegResult } from '../seg/read.ts';

/** The first prefix tried for the attributes before the pixel data (grown 4x until it fits). */
const FIRST_PREFIX = 4 * 1024 * 1024;

/** Bytes [at, at + length) of an open file into `into` (from its start); fewer at the end. */
function readAt(fd: number, into: Uint8Array, at: number, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, got, length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Reads a BINARY or FRACTIONAL SEG file of `size` bytes whose first bytes are `head` in pieces
 * (as readDicomSeg would read it whole, with the same errors for what it reads). Undefined
 * when the file is not one to read so (a bare data set, deflated, a Label Map SEG, attributes
 * that do not parse up to a Pixel Data element): the caller reads it whole, which gives the
 * usual result or error.
 */
export function readDicomSegFile(
  file: string,
  head: Uint8Array,
  size: number,
  series: DicomSeriesResult,
  options: { firstPrefix?: number; pieceBytes?: number } = {},
): DicomSegResult | undefined {
  if (!isDicomPart10(head)) return undefined;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let header: PiecewiseSegHeader | 'more' | undefined;
    for (let prefix = Math.min(size, options.firstPrefix ?? FIRST_PREFIX); ;) {
      const bytes = new Uint8Array(prefix);
      const got = readAt(fd, bytes, 0, prefix);
      // a prefix that ends before the Pixel Data element does not parse: a 4x longer one is tried
      header = piecewiseSegHeader(bytes.subarray(0, got), prefix >= size);
      if (header !== 'more') break;
      prefix = Math.min(size, prefix * 4);
    }
    if (!header) return undefined;
    const parsed = header;
    const start = parsed.pixelData.offset;
    // a file cut short inside the pixel data: the whole-file reader says so, as always
    if (start + parsed.pixelData.length > size) return undefined;
    let piece = new Uint8Array(0);
    return readDicomSegPieces(
      parsed,
      parsed.pixelData.length,
      (offset, length) => {
        if (piece.length < length) piece = new Uint8Array(length);
        if (readAt(fd, piece, start + offset, length) < length) {
          throw new InvalidInputError(`${file}: the SEG file ended while it was read`);
        }
        return piece.subarray(0, length);
      },
      series,
      { pieceBytes: options.pieceBytes },
    );
  } finally {
    closeSync(fd);
  }
}
