// Ambient types of an untyped import, referenced where used so that every package compiling
// this file (each has its own tsconfig) sees them.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./cornerstone-codecs.d.ts" />
import { UnsupportedFormatError, InvalidInputError } from '../errors/index.ts';
import type { TypedArray } from '../geometry/index.ts';
import { decodeRleFrame } from './rle.ts';

/** DICOM transfer syntax UIDs Concord knows about. */
export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
} as const;

const NATIVE = new Set<string>([
  TRANSFER_SYNTAX.implicitLittle,
  TRANSFER_SYNTAX.explicitLittle,
  TRANSFER_SYNTAX.deflatedExplicitLittle,
  TRANSFER_SYNTAX.explicitBig,
]);

const DECODABLE = new Set<string>([
  ...NATIVE,
  TRANSFER_SYNTAX.jpegBaseline,
  TRANSFER_SYNTAX.jpegLossless,
  TRANSFER_SYNTAX.jpegLosslessSV1,
  TRANSFER_SYNTAX.jpegLsLossless,
  TRANSFER_SYNTAX.jpegLsNearLossless,
  TRANSFER_SYNTAX.jpeg2000Lossless,
  TRANSFER_SYNTAX.jpeg2000,
  TRANSFER_SYNTAX.rle,
]);

/** True for transfer syntaxes whose pixel data is stored uncompressed (not encapsulated). */
export function isNativeTransferSyntax(uid: string): boolean {
  return NATIVE.has(uid);
}

export function isSupportedTransferSyntax(uid: string): boolean {
  return DECODABLE.has(uid);
}

/** Image pixel module values needed to decode one frame. */
export interface FrameInfo {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
}

/** Where the WASM codecs find their .wasm files (browsers); Node finds them next to the JS. */
let locateWasm: ((file: string) => string) | undefined;
export function configureCodecs(options: { locateWasm?: (file: string) => string }): void {
  locateWasm = options.locateWasm;
}

const silent = () => {};
const moduleOptions = () => ({
  // OpenJPEG logs every header it reads
  print: silent,
  printErr: silent,
  ...(locateWasm
    ? {
        locateFile: (f: string, prefix: string) =>
          f.endsWith('.wasm') ? locateWasm!(f) : prefix + f,
      }
    : {}),
});

type DecoderCtor = new () => CodecDecoder;
const decoders = new Map<string, Promise<CodecDecoder>>();

function loadDecoder(kind: 'charls' | 'openjpeg' | 'libjpeg'): Promise<CodecDecoder> {
  let p = decoders.get(kind);
  if (!p) {
    p = (async () => {
      let Ctor: DecoderCtor;
      if (kind === 'charls') {
        const m = await (
          await import('@cornerstonejs/codec-charls/decodewasmjs')
        ).default(moduleOptions());
        Ctor = m.JpegLSDecoder;
      } else if (kind === 'openjpeg') {
        const m = await (
          await import('@cornerstonejs/codec-openjpeg/decodewasmjs')
        ).default(moduleOptions());
        Ctor = m.J2KDecoder;
      } else {
        const m = await (
          await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')
        ).default(moduleOptions());
        Ctor = m.JPEGDecoder;
      }
      return new Ctor();
    })();
    decoders.set(kind, p);
  }
  return p;
}

async function decodeWithCodec(
  kind: 'charls' | 'openjpeg' | 'libjpeg',
  frame: Uint8Array,
  info: FrameInfo,
): Promise<Uint8Array> {
  const decoder = await loadDecoder(kind);
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
  } catch (e) {
    throw new InvalidInputError(
      `Compressed frame could not be decoded (${kind}: ${typeof e === 'number' ? `error ${e}` : String(e)})`,
    );
  }
  const fi = decoder.getFrameInfo();
  if (fi.width !== info.columns || fi.height !== info.rows) {
    throw new InvalidInputError(
      `Compressed frame is ${fi.width}x${fi.height} but the header says ${info.columns}x${info.rows}`,
    );
  }
  // copy out of the WASM heap: the next decode reuses it
  return decoder.getDecodedBuffer().slice();
}

async function decodeJpegLossless(frame: Uint8Array, info: FrameInfo): Promise<Uint8Array> {
  const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
  const copy = frame.slice();
  let out: Uint8Array | Uint16Array;
  try {
    out = new Decoder().decode(copy.buffer, 0, copy.byteLength, info.bitsAllocated <= 8 ? 1 : 2);
  } catch (e) {
    throw new InvalidInputError(`JPEG lossless frame could not be decoded (${String(e)})`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decodes one frame's bytes (native: the raw frame slice; encapsulated: the frame's fragments)
 * into stored pixel values: Uint8/Int8/Uint16/Int16/Uint32/Int32Array by BitsAllocated and
 * PixelRepresentation, sign-extended or masked to BitsStored. Single-sample images only.
 */
export async function decodeFrame(
  transferSyntaxUID: string,
  frame: Uint8Array,
  info: FrameInfo,
): Promise<TypedArray> {
  const ts = transferSyntaxUID;
  if (info.samplesPerPixel !== 1) {
    throw new UnsupportedFormatError(
      `Colour images (SamplesPerPixel ${info.samplesPerPixel}) are not supported as volumes`,
    );
  }
  if (![8, 16, 32].includes(info.bitsAllocated)) {
    throw new UnsupportedFormatError(`BitsAllocated ${info.bitsAllocated} is not supported`);
  }
  const bytesPerSample = info.bitsAllocated / 8;
  const pixels = info.rows * info.columns;
  let bytes: Uint8Array;
  if (NATIVE.has(ts)) {
    if (frame.length < pixels * bytesPerSample) {
      throw new InvalidInputError(
        `Pixel data is truncated: a ${info.columns}x${info.rows} frame needs ${pixels * bytesPerSample} bytes, found ${frame.length}`,
      );
    }
    bytes = frame.slice(0, pixels * bytesPerSample);
    if (ts === TRANSFER_SYNTAX.explicitBig && bytesPerSample > 1) swapBytes(bytes, bytesPerSample);
  } else if (ts === TRANSFER_SYNTAX.rle) {
    bytes = decodeRleFrame(frame, info.rows, info.columns, bytesPerSample, 1);
  } else if (ts === TRANSFER_SYNTAX.jpegLsLossless || ts === TRANSFER_SYNTAX.jpegLsNearLossless) {
    bytes = await decodeWithCodec('charls', frame, info);
  } else if (ts === TRANSFER_SYNTAX.jpeg2000Lossless || ts === TRANSFER_SYNTAX.jpeg2000) {
    bytes = await decodeWithCodec('openjpeg', frame, info);
  } else if (ts === TRANSFER_SYNTAX.jpegBaseline) {
    bytes = await decodeWithCodec('libjpeg', frame, info);
  } else if (ts === TRANSFER_SYNTAX.jpegLossless || ts === TRANSFER_SYNTAX.jpegLosslessSV1) {
    bytes = await decodeJpegLossless(frame, info);
  } else {
    throw new UnsupportedFormatError(`Transfer syntax ${ts} is not supported`);
  }
  const decodedBytesPerSample = bytes.length / pixels;
  if (decodedBytesPerSample !== bytesPerSample) {
    // codecs return 8-bit buffers for BitsStored <= 8 even when 16 bits are allocated
    if (decodedBytesPerSample === 1 && bytesPerSample === 2) {
      bytes = widen8to16(bytes);
    } else {
      throw new InvalidInputError(
        `Decoded frame has ${bytes.length} bytes; ${pixels} pixels of ${bytesPerSample} bytes were expected`,
      );
    }
  }
  return toStoredValues(bytes, info);
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) {
    for (let a = i, z = i + size - 1; a < z; a++, z--) {
      const t = b[a];
      b[a] = b[z];
      b[z] = t;
    }
  }
}

function widen8to16(b: Uint8Array): Uint8Array {
  const out = new Uint16Array(b.length);
  out.set(b);
  return new Uint8Array(out.buffer);
}

/** Interprets little-endian bytes as stored values and applies BitsStored/PixelRepresentation. */
function toStoredValues(bytes: Uint8Array, info: FrameInfo): TypedArray {
  const signed = info.pixelRepresentation === 1;
  const buf =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.slice().buffer;
  let arr: TypedArray;
  if (info.bitsAllocated === 8) arr = signed ? new Int8Array(buf) : new Uint8Array(buf);
  else if (info.bitsAllocated === 16) arr = signed ? new Int16Array(buf) : new Uint16Array(buf);
  else arr = signed ? new Int32Array(buf) : new Uint32Array(buf);
  const stored = info.bitsStored;
  if (stored > 0 && stored < info.bitsAllocated) {
    if (signed) {
      const shift = 32 - stored;
      for (let i = 0; i < arr.length; i++) arr[i] = (arr[i] << shift) >> shift;
    } else {
      const mask = stored >= 32 ? 0xffffffff : (1 << stored) - 1;
      for (let i = 0; i < arr.length; i++) arr[i] = (arr[i] & mask) >>> 0;
    }
  }
  return arr;
}

export { decodeRleFrame } from './rle.ts';
