import { gunzipSync } from 'fflate';
import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import {
  StructureLayers,
  type Grid,
  type LabelInfo,
  type LabelVolume,
  type TypedArray,
  type Vec3,
  type Volume,
} from '../geometry/index.ts';
import { niftiRasAffine, rasAffineToGrid } from './affine.ts';
import { datatypeBytes, parseNiftiHeader, type NiftiHeader } from './header.ts';

/** Raw voxel values with their header; 64-bit integers come back as Float64Array. */
interface RawNifti {
  header: NiftiHeader;
  dims: Vec3;
  data: TypedArray;
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function decompress(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new InvalidInputError(
      `NIfTI file is a corrupt or truncated gzip stream (${(e as Error).message})`,
    );
  }
}

function readRaw(
  input: Uint8Array,
  allowFrames = false,
  ownBytes = false,
): RawNifti & { frames: number } {
  if (input.length === 0) throw new InvalidInputError('NIfTI file is empty');
  const bytes = decompress(input);
  // the voxels may stay in the bytes (no copy) when the caller gave them away
  const owned = ownBytes;
  const header = parseNiftiHeader(bytes);
  const nd = header.dim[0];
  if (nd < 1 || nd > 7) throw new InvalidInputError(`NIfTI header has invalid dim[0] = ${nd}`);
  const dims: number[] = [];
  for (let i = 1; i <= 3; i++) dims.push(i <= nd ? header.dim[i] : 1);
  if (dims.some((d) => !(d >= 1))) {
    throw new InvalidInputError(`NIfTI header has invalid dimensions ${dims.join('x')}`);
  }
  let extra = 1;
  for (let i = 4; i <= nd; i++) extra *= Math.max(1, header.dim[i]);
  if (extra > 1 && !allowFrames) {
    throw new UnsupportedFormatError(
      `NIfTI file is ${nd}D (${header.dim.slice(1, nd + 1).join('x')}); Concord reads 3D volumes only`,
    );
  }
  const size = datatypeBytes(header.datatype);
  const n = dims[0] * dims[1] * dims[2] * extra;
  const offset = Math.max(Math.floor(header.voxOffset), header.version === 1 ? 352 : 544);
  const need = offset + n * size;
  if (bytes.length < need) {
    throw new InvalidInputError(
      `NIfTI file is truncated: ${dims.join('x')} voxels of ${size} bytes need ${need} bytes, found ${bytes.length}`,
    );
  }
  const data = decodeVoxels(bytes, offset, n, header.datatype, header.littleEndian, owned);
  return { header, dims: dims as Vec3, data, frames: extra };
}

function decodeVoxels(
  bytes: Uint8Array,
  offset: number,
  n: number,
  datatype: number,
  le: boolean,
  owned = false,
): TypedArray {
  const size = datatypeBytes(datatype);
  const at = bytes.byteOffset + offset;
  // a view of bytes nobody else holds, where the element type allows one (aligned, native
  // order): a 512x512x300 labelmap is then read once instead of read and copied
  if (owned && (le || size === 1) && at % size === 0 && datatype !== 1024 && datatype !== 1280) {
    const view = VIEWS[datatype];
    if (view) return view(bytes.buffer as ArrayBuffer, at, n);
  }
  // copy so the result is aligned and independent of the input buffer (not bytes.slice():
  // on a Node Buffer that returns a view into the whole file)
  const buf = new Uint8Array(bytes.subarray(offset, offset + n * size));
  if (!le && size > 1) {
    for (let i = 0; i < buf.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
      }
    }
  }
  const ab = buf.buffer;
  switch (datatype) {
    case 2:
      return new Uint8Array(ab);
    case 256:
      return new Int8Array(ab);
    case 4:
      return new Int16Array(ab);
    case 512:
      return new Uint16Array(ab);
    case 8:
      return new Int32Array(ab);
    case 768:
      return new Uint32Array(ab);
    case 16:
      return new Float32Array(ab);
    case 64:
      return new Float64Array(ab);
    case 1024:
      return Float64Array.from(new BigInt64Array(ab), (x) => Number(x));
    case 1280:
      return Float64Array.from(new BigUint64Array(ab), (x) => Number(x));
    default:
      throw new UnsupportedFormatError(`NIfTI datatype ${datatype} is not supported`);
  }
}

/** Typed views of stored voxels by NIfTI datatype (64-bit integers are converted, not viewed). */
const VIEWS: Record<number, (b: ArrayBuffer, at: number, n: number) => TypedArray> = {
  2: (b, at, n) => new Uint8Array(b, at, n),
  256: (b, at, n) => new Int8Array(b, at, n),
  4: (b, at, n) => new Int16Array(b, at, n),
  512: (b, at, n) => new Uint16Array(b, at, n),
  8: (b, at, n) => new Int32Array(b, at, n),
  768: (b, at, n) => new Uint32Array(b, at, n),
  16: (b, at, n) => new Float32Array(b, at, n),
  64: (b, at, n) => new Float64Array(b, at, n),
};

/** scl_slope/scl_inter as nibabel reads them: slope 0 or non-finite means "no scaling". */
function scaling(h: NiftiHeader): { slope: number; inter: number } | null {
  const slope = h.sclSlope;
  if (!Number.isFinite(slope) || slope === 0) return null;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  if (slope === 1 && inter === 0) return null;
  return { slope, inter };
}

function applyScaling(data: TypedArray, s: { slope: number; inter: number }): TypedArray {
  const wide =
    data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint32Array;
  const out = wide ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * s.slope + s.inter;
  return out;
}

function toVolume<T extends TypedArray>(raw: RawNifti, data: T): Volume<T> {
  return { ...rasAffineToGrid(niftiRasAffine(raw.header), raw.dims), data };
}

/**
 * Reads a NIfTI-1/NIfTI-2 image (.nii or .nii.gz bytes) into an LPS volume.
 * Geometry: sform, else qform, else pixdim (nibabel's precedence), RAS -> LPS.
 * scl_slope/scl_inter are applied (result Float32Array, or Float64Array for 32/64-bit sources).
 */
export function readNifti(bytes: Uint8Array): Volume {
  const raw = readRaw(bytes);
  const s = scaling(raw.header);
  return toVolume(raw, s ? applyScaling(raw.data, s) : raw.data);
}

/**
 * Reads a NIfTI labelmap: integer labels >= 0 as Uint8Array (max <= 255) or Uint16Array
 * (max <= 65535). A 4D file is a stack of binary masks, one per structure (volume t is
 * structure t + 1), which may overlap: a structure set (docs/structures.md). Non-integer,
 * negative or too large values, a 4D volume that is not 0/1, and empty/truncated/non-NIfTI
 * input are InvalidInputError. With `ownBytes` the caller gives `bytes` away (a file it just
 * read): the labels may then be a view of them instead of a copy.
 */
export function readNiftiLabels(
  bytes: Uint8Array,
  options: { ownBytes?: boolean } = {},
): LabelVolume {
  const raw = readRaw(bytes, true, options.ownBytes);
  if (raw.frames > 1) return maskStack(raw);
  const s = scaling(raw.header);
  // unsigned 8-bit labels without scaling are valid as stored: no scan, no second copy
  // (decodeVoxels already made the array independent of bytes anyone else holds)
  if (!s && raw.data instanceof Uint8Array) return toVolume(raw, raw.data);
  const values = s ? applyScaling(raw.data, s) : raw.data;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) {
      const [x, y, z] = voxelIndex(i, raw.dims);
      throw new InvalidInputError(
        `NIfTI labelmap has a non-integer value ${v} at voxel (${x}, ${y}, ${z}); labels must be integers`,
      );
    }
    if (v < 0) {
      const [x, y, z] = voxelIndex(i, raw.dims);
      throw new InvalidInputError(
        `NIfTI labelmap has a negative label ${v} at voxel (${x}, ${y}, ${z}); labels must be >= 0`,
      );
    }
    if (v > max) max = v;
  }
  if (max > 65535) {
    throw new InvalidInputError(
      `NIfTI labelmap has label ${max}; labels above 65535 are not supported`,
    );
  }
  // the typed-array constructors convert element by element without the iterator of .from()
  // (16-bit labels stored as such are kept: decodeVoxels' array is already nobody else's)
  const data =
    max <= 255
      ? new Uint8Array(values)
      : values instanceof Uint16Array
        ? values
        : new Uint16Array(values);
  return toVolume(raw, data);
}

/** A 4D NIfTI of binary masks as a structure set: each mask on the first layer it fits. */
function maskStack(raw: RawNifti & { frames: number }): LabelVolume {
  const s = scaling(raw.header);
  const values = s ? applyScaling(raw.data, s) : raw.data;
  const [nx, ny, nz] = raw.dims;
  const sliceSize = nx * ny;
  const n = sliceSize * nz;
  if (raw.frames > 65535) {
    throw new InvalidInputError(
      `NIfTI mask stack has ${raw.frames} volumes; at most 65535 structures`,
    );
  }
  const layers = new StructureLayers(n, sliceSize, raw.frames);
  const labels: LabelInfo[] = [];
  for (let t = 0; t < raw.frames; t++) {
    const slices = new Map<number, Uint8Array>();
    for (let k = 0; k < nz; k++) {
      let mask: Uint8Array | undefined;
      const base = t * n + k * sliceSize;
      for (let p = 0; p < sliceSize; p++) {
        const v = values[base + p];
        if (v === 0) continue;
        if (v !== 1) {
          throw new InvalidInputError(
            `NIfTI file is ${raw.header.dim[0]}D (${raw.header.dim.slice(1, raw.header.dim[0] + 1).join('x')}), read as one binary mask per structure, but volume ${t + 1} holds the value ${v} at voxel (${p % nx}, ${Math.floor(p / nx)}, ${k}); give a 3D labelmap or 0/1 masks`,
          );
        }
        (mask ??= new Uint8Array(sliceSize))[p] = 1;
      }
      if (mask) slices.set(k, mask);
    }
    const label = t + 1;
    labels.push({ label, name: `Label ${label}`, layer: layers.place(label, slices) });
  }
  const [data, ...overlapLayers] = layers.arrays;
  return {
    ...toVolume(raw, data),
    labels,
    ...(overlapLayers.length ? { overlapLayers } : {}),
  };
}

function voxelIndex(i: number, dims: Vec3): Vec3 {
  return [i % dims[0], Math.floor(i / dims[0]) % dims[1], Math.floor(i / (dims[0] * dims[1]))];
}

/**
 * Reads a 4D (or higher, flattened) NIfTI as 3D frames on one grid, e.g. per-class
 * probabilities: frame t holds the voxels of dim[4] index t. scl_slope/scl_inter applied.
 */
export function readNiftiFrames(bytes: Uint8Array): { grid: Grid; frames: TypedArray[] } {
  const raw = readRaw(bytes, true);
  const s = scaling(raw.header);
  const values = s ? applyScaling(raw.data, s) : raw.data;
  const n = raw.dims[0] * raw.dims[1] * raw.dims[2];
  const frames = Array.from({ length: raw.frames }, (_, t) => values.slice(t * n, (t + 1) * n));
  return { grid: rasAffineToGrid(niftiRasAffine(raw.header), raw.dims), frames };
}
