import type { DicomSeriesResult } from '../dicom/index.ts';
import { InvalidInputError } from '../errors/index.ts';
import {
  gridOf,
  indexToWorldAffine,
  invertAffine,
  StructureLayers,
  type CodedConcept,
  type LabelInfo,
  type LabelVolume,
  type StructureCodes,
} from '../geometry/index.ts';
import { parseRtStruct, type RtDataset } from './parse.ts';
import { fillPolygonsEvenOdd } from './rasterize.ts';

/** RT Structure Set Storage */
export const RTSTRUCT_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.481.3';

/**
 * How far a contour's plane may lie from a slice's plane and still be on that slice, as a
 * fraction of the slice spacing (docs/structures.md, "RTSTRUCT"). Also the tolerance of
 * planarity: the points of one contour may spread this much along the slice normal.
 */
export const CONTOUR_SLICE_TOLERANCE = 0.25;

/** One ROI of an RTSTRUCT as read. */
export interface RtRoiInfo {
  /** ROINumber (3006,0022), as in the file (0 is legal) */
  roiNumber: number;
  /** its label in `labels` (docs/structures.md: ROI number, or rank + 1 when a number is 0) */
  label: number;
  name: string;
  color?: [number, number, number];
  codes?: StructureCodes;
  /** RTROIInterpretedType (3006,00A4), e.g. ORGAN, PTV, EXTERNAL */
  interpretedType?: string;
  /** voxels of the ROI on the series grid (0 for an empty ROI) */
  voxels: number;
  /** its layer in the structure set (0 = `labels.data`) */
  layer: number;
}

export interface RtStructResult {
  /** The ROIs as a structure set on the series grid (overlapping ROIs on further layers). */
  labels: LabelVolume;
  /** The rasterised ROIs, in label order. POINT-only (and other area-less) ROIs are left out. */
  rois: RtRoiInfo[];
  /** true when some ROIs overlap (the labels have overlap layers) */
  overlapping: boolean;
  /** One line each: ROIs skipped (POINT, open contours) or empty, how contours were placed. */
  notes: string[];
  seriesInstanceUID: string;
  sopInstanceUID: string;
  structureSetLabel?: string;
  seriesDescription?: string;
}

/** The items of a sequence attribute (nothing when it is absent, empty or not a sequence). */
const seq = (v: unknown): RtDataset[] =>
  Array.isArray(v) ? v.filter((x): x is RtDataset => typeof x === 'object' && x !== null) : [];
const first = (v: unknown): RtDataset | undefined => seq(v)[0];
const text = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v.join('\\') : v === undefined || v === null ? '' : String(v);
  return s.trim() || undefined;
};

function code(v: unknown): CodedConcept | undefined {
  const c = first(v);
  if (!c) return undefined;
  return {
    CodeValue: String(c.CodeValue || c.LongCodeValue || c.URNCodeValue || ''),
    CodingSchemeDesignator: String(c.CodingSchemeDesignator ?? ''),
    CodeMeaning: String(c.CodeMeaning ?? ''),
  };
}

const fmt = (x: number) => Number(x.toFixed(2)).toString();

interface RoiDef {
  roiNumber: number;
  name: string;
  frameOfReferenceUID?: string;
}

/** The codes of an ROI from its RT ROI Observations item (docs/structures.md). */
function roiCodes(obs: RtDataset | undefined): StructureCodes | undefined {
  if (!obs) return undefined;
  const id = first(obs.RTROIIdentificationCodeSequence);
  const codes: StructureCodes = {
    category: code(obs.SegmentedPropertyCategoryCodeSequence),
    type: code(id ? [id] : undefined),
    typeModifier: code(id?.SegmentedPropertyTypeModifierCodeSequence),
    anatomicRegion: code(obs.AnatomicRegionSequence),
    anatomicRegionModifier: code(first(obs.AnatomicRegionSequence)?.AnatomicRegionModifierSequence),
  };
  for (const k of Object.keys(codes) as (keyof StructureCodes)[]) if (!codes[k]) delete codes[k];
  return Object.keys(codes).length ? codes : undefined;
}

/**
 * Labels of the ROIs (docs/structures.md): the ROI numbers themselves when all are integers in
 * 1..65535 (label 0 is background), otherwise 1, 2, ... in ascending ROI number order.
 */
export function roiLabels(roiNumbers: readonly number[]): Map<number, number> {
  const usable = roiNumbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 65535);
  const sorted = [...roiNumbers].sort((a, b) => a - b);
  return new Map(sorted.map((n, i) => [n, usable ? n : i + 1]));
}

/**
 * Reads a DICOM RT Structure Set onto the grid of the image series it was drawn on
 * (docs/structures.md, "RTSTRUCT"). Each CLOSED_PLANAR contour is tied to a slice by its
 * ContourImageSequence reference, else by the distance of its plane to the slice planes
 * (within CONTOUR_SLICE_TOLERANCE of the slice spacing); a voxel belongs to an ROI when its
 * centre is inside the ROI's contours on its slice by the even-odd rule. ROIs that overlap go
 * on further layers of the structure set. An RTSTRUCT of another series, non-planar or
 * corrupt contours are InvalidInputError; POINT and open contours are skipped with a note;
 * empty ROIs are kept with a note (an error when every ROI is empty).
 */
export function readRtStruct(
  bytes: Uint8Array,
  referencedSeries: DicomSeriesResult,
): RtStructResult {
  const ds = parseRtStruct(bytes);
  if (ds.SOPClassUID !== RTSTRUCT_SOP_CLASS_UID) {
    throw new InvalidInputError(
      `Not a DICOM RT Structure Set (SOP class ${String(ds.SOPClassUID ?? 'missing')}, modality ${String(ds.Modality ?? '?')})`,
    );
  }
  const series = referencedSeries;
  const vol = series.volume;
  const [nx, ny, nz] = vol.dims;
  const notes: string[] = [];

  // --- which series and frame of reference the structure set was drawn on ---
  const refFrames = seq(ds.ReferencedFrameOfReferenceSequence);
  const refSeriesUids = new Set<string>();
  const refImageUids = new Set<string>();
  for (const f of refFrames)
    for (const study of seq(f.RTReferencedStudySequence))
      for (const s of seq(study.RTReferencedSeriesSequence)) {
        if (s.SeriesInstanceUID) refSeriesUids.add(String(s.SeriesInstanceUID));
        for (const img of seq(s.ContourImageSequence))
          refImageUids.add(String(img.ReferencedSOPInstanceUID));
      }
  const roiDefs: RoiDef[] = seq(ds.StructureSetROISequence).map((r) => ({
    roiNumber: Number(r.ROINumber),
    name: text(r.ROIName) ?? `ROI ${String(r.ROINumber)}`,
    frameOfReferenceUID: text(r.ReferencedFrameOfReferenceUID),
  }));
  if (roiDefs.length === 0)
    throw new InvalidInputError('The RTSTRUCT has no StructureSetROISequence');
  const badNumber = roiDefs.find((r) => !Number.isInteger(r.roiNumber));
  if (badNumber) throw new InvalidInputError(`The RTSTRUCT has an ROI without a valid ROINumber`);
  const byNumber = new Map<number, RoiDef>();
  for (const r of roiDefs) {
    if (byNumber.has(r.roiNumber))
      throw new InvalidInputError(`The RTSTRUCT defines ROINumber ${r.roiNumber} twice`);
    byNumber.set(r.roiNumber, r);
  }

  const contoursOf = new Map<number, RtDataset[]>();
  const colorOf = new Map<number, [number, number, number]>();
  for (const rc of seq(ds.ROIContourSequence)) {
    const n = Number(rc.ReferencedROINumber);
    if (!byNumber.has(n)) {
      throw new InvalidInputError(
        `The RTSTRUCT has contours for ROI ${String(rc.ReferencedROINumber)}, which is not defined`,
      );
    }
    const list = contoursOf.get(n) ?? [];
    list.push(...seq(rc.ContourSequence));
    contoursOf.set(n, list);
    const c = (Array.isArray(rc.ROIDisplayColor) ? rc.ROIDisplayColor : []).map(Number);
    if (c.length === 3 && c.every((x) => Number.isFinite(x)))
      colorOf.set(
        n,
        c.map((x) => Math.max(0, Math.min(255, Math.round(x)))) as [number, number, number],
      );
  }
  for (const list of contoursOf.values())
    for (const c of list)
      for (const img of seq(c.ContourImageSequence))
        refImageUids.add(String(img.ReferencedSOPInstanceUID));

  const sliceOf = new Map<string, number>();
  series.slices.forEach((s, k) => sliceOf.set(`${s.sopInstanceUID}#${s.frameIndex}`, k));
  const seriesSops = new Set(series.sopInstanceUIDs);
  const matchedImages = [...refImageUids].filter((u) => seriesSops.has(u)).length;
  if (
    (refSeriesUids.size > 0 && !refSeriesUids.has(series.seriesInstanceUID)) ||
    (refImageUids.size > 0 && matchedImages === 0)
  ) {
    const what = refSeriesUids.size
      ? `series ${[...refSeriesUids].join(', ')}`
      : `${refImageUids.size} images not in the series`;
    throw new InvalidInputError(
      `The RTSTRUCT references another series (${what}), not the given series ${series.seriesInstanceUID}`,
    );
  }
  const refFors = new Set<string>();
  for (const f of refFrames) if (f.FrameOfReferenceUID) refFors.add(String(f.FrameOfReferenceUID));
  for (const r of roiDefs) if (r.frameOfReferenceUID) refFors.add(r.frameOfReferenceUID);
  if (ds.FrameOfReferenceUID) refFors.add(String(ds.FrameOfReferenceUID));
  if (
    series.frameOfReferenceUID &&
    refFors.size > 0 &&
    !refFors.has(series.frameOfReferenceUID) &&
    matchedImages === 0
  ) {
    throw new InvalidInputError(
      `The RTSTRUCT is in frame of reference ${[...refFors].join(', ')}, the series in ${series.frameOfReferenceUID}`,
    );
  }
  if (refSeriesUids.size === 0 && refImageUids.size === 0 && refFors.size === 0) {
    notes.push('The RTSTRUCT names no series or frame of reference: contours placed by position');
  }

  // --- contours to pixel polygons, slice by slice ---
  const toIndex = invertAffine(indexToWorldAffine(vol));
  const sliceMm = vol.spacing[2];
  const tol = CONTOUR_SLICE_TOLERANCE * sliceMm;
  const multiFrameSource = series.instanceMetadata.some((m) => m.NumberOfFrames > 1);
  const labelOf = roiLabels(roiDefs.map((r) => r.roiNumber));
  const obsOf = new Map<number, RtDataset>();
  for (const o of seq(ds.RTROIObservationsSequence)) {
    const n = Number(o.ReferencedROINumber);
    if (!obsOf.has(n)) obsOf.set(n, o);
  }

  const ordered = [...roiDefs].sort((a, b) => a.roiNumber - b.roiNumber);
  const layers = new StructureLayers(
    nx * ny * nz,
    nx * ny,
    Math.max(...ordered.map((r) => labelOf.get(r.roiNumber)!)),
  );
  const rois: RtRoiInfo[] = [];
  for (const roi of ordered) {
    const where = `ROI ${roi.roiNumber} "${roi.name}"`;
    const contours = contoursOf.get(roi.roiNumber) ?? [];
    const polygonsBySlice = new Map<number, Float64Array[]>();
    const skipped = new Map<string, number>();
    contours.forEach((c, ci) => {
      const type = String(c.ContourGeometricType ?? '').trim();
      const cw = `${where} contour ${ci + 1}`;
      if (type !== 'CLOSED_PLANAR' && type !== 'CLOSEDPLANAR_XOR') {
        skipped.set(type || 'untyped', (skipped.get(type || 'untyped') ?? 0) + 1);
        return;
      }
      const data = c.ContourData;
      const raw = Array.isArray(data) ? data : data ? [data] : [];
      // DS strings; an empty or non-numeric one is NaN (Number('') would be 0)
      const values = raw.map((v) => (typeof v === 'string' && v.trim() ? Number(v) : NaN));
      if (values.length % 3 !== 0) {
        throw new InvalidInputError(
          `${cw}: ContourData has ${values.length} values, not x\\y\\z triplets`,
        );
      }
      if (values.some((v) => !Number.isFinite(v))) {
        throw new InvalidInputError(`${cw}: ContourData holds a value that is not a number`);
      }
      const nPoints = values.length / 3;
      const declared =
        c.NumberOfContourPoints === undefined ? undefined : Number(c.NumberOfContourPoints);
      if (declared !== undefined && declared !== nPoints) {
        throw new InvalidInputError(
          `${cw}: NumberOfContourPoints is ${String(c.NumberOfContourPoints)} but ContourData holds ${nPoints} points`,
        );
      }
      if (nPoints === 0) return;
      const poly = new Float64Array(2 * nPoints);
      let kMin = Infinity;
      let kMax = -Infinity;
      let kSum = 0;
      const m = toIndex;
      for (let p = 0; p < nPoints; p++) {
        const x = values[3 * p];
        const y = values[3 * p + 1];
        const z = values[3 * p + 2];
        poly[2 * p] = m[0] * x + m[1] * y + m[2] * z + m[3];
        poly[2 * p + 1] = m[4] * x + m[5] * y + m[6] * z + m[7];
        const k = m[8] * x + m[9] * y + m[10] * z + m[11];
        kMin = Math.min(kMin, k);
        kMax = Math.max(kMax, k);
        kSum += k;
      }
      if ((kMax - kMin) * sliceMm > tol) {
        throw new InvalidInputError(
          `${cw} is not planar in the slices of the series: its points spread ${fmt((kMax - kMin) * sliceMm)} mm along the slice normal (tolerance ${fmt(tol)} mm, 1/4 of the slice spacing)`,
        );
      }
      const kMean = kSum / nPoints;
      const kNear = Math.round(kMean);
      let k: number | undefined;
      const img = first(c.ContourImageSequence);
      if (img?.ReferencedSOPInstanceUID) {
        const uid = String(img.ReferencedSOPInstanceUID);
        const frame =
          img.ReferencedFrameNumber !== undefined ? Number(img.ReferencedFrameNumber) - 1 : 0;
        k = sliceOf.get(`${uid}#${multiFrameSource ? frame : 0}`);
        if (k === undefined) {
          throw new InvalidInputError(`${cw} references image ${uid}, which is not in the series`);
        }
        if (Math.abs(kMean - k) * sliceMm > tol) {
          throw new InvalidInputError(
            `${cw} references slice ${k + 1} but lies ${fmt((kMean - k) * sliceMm)} mm from its plane (tolerance ${fmt(tol)} mm)`,
          );
        }
      } else {
        if (kNear < 0 || kNear >= nz || Math.abs(kMean - kNear) * sliceMm > tol) {
          const off =
            kNear < 0 || kNear >= nz
              ? 'outside the series'
              : `between slices (${fmt(Math.abs(kMean - kNear) * sliceMm)} mm from slice ${kNear + 1}; tolerance ${fmt(tol)} mm)`;
          throw new InvalidInputError(`${cw} lies ${off}`);
        }
        k = kNear;
      }
      const list = polygonsBySlice.get(k) ?? [];
      list.push(poly);
      polygonsBySlice.set(k, list);
    });
    const closedCount = [...polygonsBySlice.values()].reduce((s, l) => s + l.length, 0);
    const kinds = [...skipped].map(([type, n]) => `${n} ${type}`).join(', ');
    if (closedCount === 0 && skipped.size > 0) {
      // a POINT ROI (an isocentre, a marker) or open contours: no area to compare
      notes.push(`${where} skipped: it has no closed planar contour (${kinds})`);
      continue;
    }
    if (skipped.size > 0) notes.push(`${where}: skipped its non-closed contours (${kinds})`);
    const masks = new Map<number, Uint8Array>();
    let voxels = 0;
    for (const [k, polys] of polygonsBySlice) {
      const mask = new Uint8Array(nx * ny);
      const n = fillPolygonsEvenOdd(polys, nx, ny, mask);
      if (n > 0) {
        masks.set(k, mask);
        voxels += n;
      }
    }
    const label = labelOf.get(roi.roiNumber)!;
    const layer = layers.place(label, masks);
    if (voxels === 0) notes.push(`${where} is empty: it has no voxel on the series grid`);
    const obs = obsOf.get(roi.roiNumber);
    rois.push({
      roiNumber: roi.roiNumber,
      label,
      name: roi.name,
      color: colorOf.get(roi.roiNumber),
      codes: roiCodes(obs),
      interpretedType: text(obs?.RTROIInterpretedType),
      voxels,
      layer,
    });
  }
  if (rois.length === 0) {
    throw new InvalidInputError('The RTSTRUCT has no ROI with closed planar contours');
  }
  if (rois.every((r) => r.voxels === 0)) {
    throw new InvalidInputError(
      `Every ROI of the RTSTRUCT is empty on the series grid (${rois.length} ROI${rois.length > 1 ? 's' : ''})`,
    );
  }
  const labelInfo: LabelInfo[] = rois.map((r) => ({
    label: r.label,
    name: r.name,
    color: r.color,
    layer: r.layer,
    ...(r.codes ? { codes: r.codes } : {}),
  }));
  const [data, ...overlapLayers] = layers.arrays;
  return {
    labels: {
      ...gridOf(vol),
      data,
      labels: labelInfo,
      ...(overlapLayers.length ? { overlapLayers } : {}),
    },
    rois,
    overlapping: layers.count > 1,
    notes,
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    structureSetLabel: text(ds.StructureSetLabel),
    seriesDescription: text(ds.SeriesDescription),
  };
}
