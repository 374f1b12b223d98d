/**
 * The one slice order of Concord (docs/geometry.md, "DICOM series"): the series reader (`readDicomSeries`)
 * and the viewer's data sources order slices with it, so a labelmap computed from a series and
 * the images the viewer shows always agree slice by slice.
 */
import type { Vec3 } from '../geometry/index.ts';

/** What ordering needs of a slice: ImagePositionPatient, ImageOrientationPatient, InstanceNumber. */
export interface SliceGeometry {
  position?: readonly number[];
  /** Row direction cosines, then column direction cosines. */
  orientation?: readonly number[];
  instanceNumber?: number;
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  // `+ 0` turns -0 into 0 so directions compare equal to literals
  return [v[0] / n + 0, v[1] / n + 0, v[2] / n + 0];
}

/** The unit slice normal of an ImageOrientationPatient: row x column of the unit cosines. */
export function sliceNormal(orientation: readonly number[]): Vec3 {
  const r = normalize([orientation[0], orientation[1], orientation[2]]);
  const c = normalize([orientation[3], orientation[4], orientation[5]]);
  return normalize([
    r[1] * c[2] - r[2] * c[1],
    r[2] * c[0] - r[0] * c[2],
    r[0] * c[1] - r[1] * c[0],
  ]);
}

/** Position of a slice along the normal, mm. */
export function slicePosition(position: readonly number[], normal: Vec3): number {
  return position[0] * normal[0] + position[1] * normal[1] + position[2] * normal[2];
}

/**
 * Sorts slices in place (and returns them) by ImagePositionPatient along the normal of the first
 * slice's ImageOrientationPatient, ascending; slices at the same position keep their order. Never
 * by file name or InstanceNumber — except slices without that geometry (the first has no
 * orientation or any has no position, e.g. 2D images), which are ordered by InstanceNumber.
 */
export function sortSlices<T extends SliceGeometry>(slices: T[]): T[] {
  const orientation = slices[0]?.orientation;
  const geometric = orientation?.length === 6 && slices.every((s) => s.position?.length === 3);
  if (!geometric) return slices.sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  const normal = sliceNormal(orientation);
  const keyed = slices.map((s) => ({ s, d: slicePosition(s.position!, normal) }));
  keyed.sort((a, b) => a.d - b.d);
  keyed.forEach((k, i) => (slices[i] = k.s));
  return slices;
}
