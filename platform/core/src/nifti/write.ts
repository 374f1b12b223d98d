import { gzipSync } from 'fflate';
import { InvalidInputError } from '../errors/index.ts';
import { assertVolumeShape, type Grid, type TypedArray, type Volume } from '../geometry/index.ts';
import { gridToRasAffine, rasAffineToQuaternion } from './affine.ts';
import { NIFTI1_HEADER_SIZE } from './header.ts';

export interface WriteNiftiOptions {
  /** gzip the output (.nii.gz); default false */
  gzip?: boolean;
  /** descrip field, ASCII, at most 79 characters are kept */
  description?: string;
}

function datatypeOf(data: TypedArray): { code: number; bitpix: number } {
  if (data instanceof Uint8Array) return { code: 2, bitpix: 8 };
  if (data instanceof Int8Array) return { code: 256, bitpix: 8 };
  if (data instanceof Int16Array) return { code: 4, bitpix: 16 };
  if (data instanceof Uint16Array) return { code: 512, bitpix: 16 };
  if (data instanceof Int32Array) return { code: 8, bitpix: 32 };
  if (data instanceof Uint32Array) return { code: 768, bitpix: 32 };
  if (data instanceof Float32Array) return { code: 16, bitpix: 32 };
  if (data instanceof Float64Array) return { code: 64, bitpix: 64 };
  throw new InvalidInputError('Volume data is not a supported typed array');
}

/**
 * Writes a volume as a single-file NIfTI-1 (little endian, vox_offset 352) with the same
 * LPS -> RAS affine in sform (exact) and qform (nearest rotation), codes 1 (scanner).
 */
export function writeNifti(volume: Volume, options: WriteNiftiOptions = {}): Uint8Array {
  assertVolumeShape(volume);
  return writeNiftiData(volume, volume.data, 0, options);
}

export interface WriteNiftiFramesOptions extends WriteNiftiOptions {
  /** scl_slope / scl_inter: readers see stored * slope + inter (default identity) */
  scale?: { slope: number; inter: number };
  /** intent_code, e.g. NIFTI_INTENT.estimate for per-class probabilities (default 0, none) */
  intent?: number;
}

/** NIfTI-1 intent codes Concord writes (nifti1.h). */
export const NIFTI_INTENT = {
  none: 0,
  /** NIFTI_INTENT_ESTIMATE: each voxel is an estimate of some parameter (e.g. a probability) */
  estimate: 1001,
  /** NIFTI_INTENT_LABEL: voxel values are labels */
  label: 1002,
} as const;

/**
 * Writes 3D frames on one grid as a 4D NIfTI (dim[0] = 4, dim[4] = frames.length, even for one
 * frame), e.g. per-class probabilities; `scale` sets scl_slope/scl_inter (readers see
 * stored * slope + inter), `intent` the intent_code.
 */
export function writeNiftiFrames(
  grid: Grid,
  frames: TypedArray[],
  options: WriteNiftiFramesOptions = {},
): Uint8Array {
  if (frames.length === 0) throw new InvalidInputError('No frames to write');
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const Ctor = frames[0].constructor as new (n: number) => TypedArray;
  const data = new Ctor(n * frames.length);
  frames.forEach((f, t) => {
    if (f.length !== n || f.constructor !== Ctor) {
      throw new InvalidInputError(
        `Frame ${t} holds ${f.length} ${f.constructor.name} values; ${n} ${Ctor.name} expected`,
      );
    }
    data.set(f, t * n);
  });
  return writeNiftiData(grid, data, frames.length, options, options);
}

/** `nt` 0: a 3D volume; otherwise a 4D one with nt frames. */
function writeNiftiData(
  volume: Grid,
  data: TypedArray,
  nt: number,
  options: WriteNiftiOptions,
  { scale, intent = 0 }: Pick<WriteNiftiFramesOptions, 'scale' | 'intent'> = {},
): Uint8Array {
  const { code, bitpix } = datatypeOf(data);
  const voxOffset = NIFTI1_HEADER_SIZE + 4;
  const out = new Uint8Array(voxOffset + data.byteLength);
  const v = new DataView(out.buffer);
  const i16 = (o: number, x: number) => v.setInt16(o, x, true);
  const f32 = (o: number, x: number) => v.setFloat32(o, x, true);
  v.setInt32(0, NIFTI1_HEADER_SIZE, true);
  out[38] = 'r'.charCodeAt(0);
  const dims = [nt ? 4 : 3, volume.dims[0], volume.dims[1], volume.dims[2], nt || 1, 1, 1, 1];
  if (dims.slice(1, 4).some((d) => d > 32767)) {
    throw new InvalidInputError(`Volume dimension above 32767 does not fit NIfTI-1`);
  }
  if (nt > 32767) throw new InvalidInputError(`${nt} frames do not fit NIfTI-1 (at most 32767)`);
  dims.forEach((d, i) => i16(40 + 2 * i, d));
  i16(68, intent);
  i16(70, code);
  i16(72, bitpix);
  const affine = gridToRasAffine(volume);
  const q = rasAffineToQuaternion(affine);
  const pixdim = [q.qfac, volume.spacing[0], volume.spacing[1], volume.spacing[2], 1, 1, 1, 1];
  pixdim.forEach((p, i) => f32(76 + 4 * i, p));
  f32(108, voxOffset);
  f32(112, scale?.slope ?? 1); // scl_slope (1, 0: identity)
  f32(116, scale?.inter ?? 0);
  out[123] = 2; // xyzt_units: mm
  const desc = (options.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  for (let i = 0; i < desc.length; i++) out[148 + i] = desc.charCodeAt(i);
  i16(252, 1); // qform_code: scanner
  i16(254, 1); // sform_code: scanner
  f32(256, q.b);
  f32(260, q.c);
  f32(264, q.d);
  f32(268, q.offset[0]);
  f32(272, q.offset[1]);
  f32(276, q.offset[2]);
  for (let i = 0; i < 12; i++) f32(280 + 4 * i, affine[i]);
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  // extension flag bytes 348..351 stay 0; voxel data little endian (host order on all JS engines we run)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), voxOffset);
  return options.gzip ? gzipSync(out, { level: 6, mtime: 0 }) : out;
}
