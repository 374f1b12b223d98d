import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';

/** The NIfTI-1/NIfTI-2 header fields Concord uses (both versions normalised to numbers). */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]; pixdim[0] is qfac */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  description: string;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z, 4 numbers each */
  srow: [number[], number[], number[]];
  xyztUnits: number;
}

export const NIFTI1_HEADER_SIZE = 348;
export const NIFTI2_HEADER_SIZE = 540;

/** NIfTI datatype codes Concord reads, with their byte size. */
export const NIFTI_DATATYPES: Record<number, { name: string; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
  1024: { name: 'int64', bytes: 8 },
  1280: { name: 'uint64', bytes: 8 },
};

const UNSUPPORTED_TYPES: Record<number, string> = {
  32: 'complex64',
  128: 'RGB24',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Parses the header of an uncompressed NIfTI-1 or NIfTI-2 single file (.nii). */
export function parseNiftiHeader(bytes: Uint8Array): NiftiHeader {
  if (bytes.length === 0) throw new InvalidInputError('NIfTI file is empty');
  if (bytes.length < 4) throw new InvalidInputError('Not a NIfTI file (too short for a header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let version: 1 | 2;
  let le: boolean;
  const sLE = view.getInt32(0, true);
  const sBE = view.getInt32(0, false);
  if (sLE === NIFTI1_HEADER_SIZE || sBE === NIFTI1_HEADER_SIZE) {
    version = 1;
    le = sLE === NIFTI1_HEADER_SIZE;
  } else if (sLE === NIFTI2_HEADER_SIZE || sBE === NIFTI2_HEADER_SIZE) {
    version = 2;
    le = sLE === NIFTI2_HEADER_SIZE;
  } else {
    throw new InvalidInputError('Not a NIfTI file (sizeof_hdr is neither 348 nor 540)');
  }
  const need = version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (bytes.length < need) {
    throw new InvalidInputError(
      `NIfTI file is truncated: ${bytes.length} bytes, the header alone needs ${need}`,
    );
  }
  return version === 1 ? parse1(bytes, view, le) : parse2(bytes, view, le);
}

function parse1(bytes: Uint8Array, v: DataView, le: boolean): NiftiHeader {
  const magic = ascii(bytes, 344, 4);
  if (magic === 'ni1') {
    throw new UnsupportedFormatError(
      'NIfTI .hdr/.img pairs are not supported; convert to a single .nii or .nii.gz file',
    );
  }
  if (magic !== 'n+1') throw new InvalidInputError(`Not a NIfTI-1 file (magic "${magic}")`);
  const i16 = (o: number) => v.getInt16(o, le);
  const f32 = (o: number) => v.getFloat32(o, le);
  const dim = Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i));
  const pixdim = Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i));
  const row = (o: number) => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)];
  return {
    version: 1,
    littleEndian: le,
    dim,
    datatype: i16(70),
    bitpix: i16(72),
    pixdim,
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123],
    description: ascii(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [row(280), row(296), row(312)],
  };
}

function parse2(bytes: Uint8Array, v: DataView, le: boolean): NiftiHeader {
  const magic = ascii(bytes, 4, 4);
  if (magic === 'ni2') {
    throw new UnsupportedFormatError(
      'NIfTI .hdr/.img pairs are not supported; convert to a single .nii or .nii.gz file',
    );
  }
  if (magic !== 'n+2') throw new InvalidInputError(`Not a NIfTI-2 file (magic "${magic}")`);
  const i64 = (o: number) => Number(v.getBigInt64(o, le));
  const f64 = (o: number) => v.getFloat64(o, le);
  const row = (o: number) => [f64(o), f64(o + 8), f64(o + 16), f64(o + 24)];
  return {
    version: 2,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatype: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    xyztUnits: v.getInt32(500, le),
    description: ascii(bytes, 240, 80),
    qformCode: v.getInt32(344, le),
    sformCode: v.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [row(400), row(432), row(464)],
  };
}

/** Byte size of one voxel of a datatype, or a user-facing error for unsupported ones. */
export function datatypeBytes(datatype: number): number {
  const t = NIFTI_DATATYPES[datatype];
  if (t) return t.bytes;
  const name = UNSUPPORTED_TYPES[datatype];
  if (name) throw new UnsupportedFormatError(`NIfTI datatype ${name} is not supported`);
  throw new InvalidInputError(`NIfTI header has an unknown datatype code ${datatype}`);
}
