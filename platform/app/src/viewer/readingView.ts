/**
 * What a reading view shows around the image, as pure functions: the patient-direction letters
 * at the viewport's edges (LPS: +x L, +y P, +z S), the slice position along the slice normal,
 * a structure's centre slice, and the text of the cursor probe.
 */
import type { LabelInfo, Vec3 } from '@concord/core';

const LETTERS: Array<[string, string]> = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

/** Patient direction of an LPS vector: the letters of its main components, largest first ("LP"). */
export function directionLetters(v: Readonly<Vec3>): string {
  const parts = [0, 1, 2]
    .map((a) => ({ a, c: v[a] }))
    .filter((p) => Math.abs(p.c) > 0.25)
    .sort((x, y) => Math.abs(y.c) - Math.abs(x.c));
  return parts.map((p) => LETTERS[p.a][p.c > 0 ? 0 : 1]).join('');
}

function cross(a: Readonly<Vec3>, b: Readonly<Vec3>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
const neg = (v: Readonly<Vec3>): Vec3 => [-v[0], -v[1], -v[2]];

/**
 * Letters at the four edges of a viewport from its camera (Cornerstone/VTK: `viewPlaneNormal`
 * points from the image towards the viewer, so screen right is viewUp × viewPlaneNormal).
 */
export function edgeMarkers(
  viewUp: Readonly<Vec3>,
  viewPlaneNormal: Readonly<Vec3>,
): { top: string; bottom: string; left: string; right: string } {
  const right = cross(viewUp, viewPlaneNormal);
  return {
    top: directionLetters(viewUp),
    bottom: directionLetters(neg(viewUp)),
    right: directionLetters(right),
    left: directionLetters(neg(right)),
  };
}

/** Position (mm) of a slice along its normal: ImagePositionPatient · (row × column cosines). */
export function slicePositionMm(
  imagePositionPatient: readonly number[],
  imageOrientationPatient: readonly number[],
): number {
  const row = imageOrientationPatient.slice(0, 3) as Vec3;
  const col = imageOrientationPatient.slice(3, 6) as Vec3;
  const n = cross(row, col);
  return (
    imagePositionPatient[0] * n[0] + imagePositionPatient[1] * n[1] + imagePositionPatient[2] * n[2]
  );
}

/**
 * The slice k (0-based) through a structure's centre: the mean k of its voxels, rounded; null
 * when the labelmap has none.
 */
export function centreSlice(
  data: ArrayLike<number>,
  dims: readonly [number, number, number],
  label: number,
): number | null {
  const slice = dims[0] * dims[1];
  let sum = 0;
  let n = 0;
  for (let k = 0; k < dims[2]; k++) {
    let inSlice = 0;
    const end = (k + 1) * slice;
    for (let i = k * slice; i < end; i++) if (data[i] === label) inSlice++;
    sum += k * inSlice;
    n += inSlice;
  }
  return n === 0 ? null : Math.round(sum / n);
}

/** "Frontal lobe" for a label value, "—" for background or nothing loaded. */
export function structureName(labels: readonly LabelInfo[] | undefined, value: number | undefined) {
  if (!value) return '—';
  return labels?.find((l) => l.label === value)?.name ?? `Label ${value}`;
}

/**
 * The structures (labels) of a labelmap at one voxel, every layer (docs/structures.md:
 * overlapping structures lie on further layers), ascending; [] for background.
 */
export function structuresAt(layers: readonly ArrayLike<number>[], index: number): number[] {
  const out = new Set<number>();
  for (const layer of layers) {
    const v = layer[index];
    if (v) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** The layer of a labelmap that holds a label (`LabelInfo.layer`, 0 when not said). */
export function layerOf(labels: readonly LabelInfo[] | undefined, label: number): number {
  return labels?.find((l) => l.label === label)?.layer ?? 0;
}
