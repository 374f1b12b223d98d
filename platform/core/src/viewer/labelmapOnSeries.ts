/**
 * What every viewer host does the same way when it reads a labelmap onto the displayed series
 * and shows it (Concord's viewer and the stock-OHIF host, docs/ohif.md): the series' grid and
 * per-slice instances as core's SEG/RTSTRUCT readers need them, the voxel count per label of the
 * slices it fills, and the labels an overlay lists. Pure functions on plain data: the hosts look
 * the values up in their own Cornerstone.
 */
import type { DicomInstanceMetadata, DicomSeriesResult } from '../dicom/index.ts';
import type { Grid, LabelArray, LabelInfo, Vec3 } from '../geometry/index.ts';

/** The fields of a viewer's image volume (Cornerstone's IImageVolume) that give its grid. */
export interface ImageVolumeGeometry {
  dimensions: ArrayLike<number>;
  spacing: ArrayLike<number>;
  origin: ArrayLike<number>;
  direction: ArrayLike<number>;
  metadata?: { FrameOfReferenceUID?: string };
}

/** Grid of a viewer's image volume, in the @concord/core convention. */
export function imageVolumeGrid(volume: ImageVolumeGeometry): Grid {
  return {
    dims: Array.from(volume.dimensions) as Grid['dims'],
    spacing: Array.from(volume.spacing) as Grid['spacing'],
    origin: Array.from(volume.origin) as Grid['origin'],
    direction: Array.from(volume.direction) as Grid['direction'],
    frameOfReferenceUID: volume.metadata?.FrameOfReferenceUID,
  };
}

/** Slice k of the displayed series: its instance and position. */
export interface DisplayedSlice {
  sopInstanceUID: string;
  position: Vec3;
}

/**
 * The displayed series as core's SEG and RTSTRUCT readers need it: the grid and, per slice,
 * the SOP Instance UID and position (no voxels).
 */
export function seriesForLabelReaders(
  grid: Grid,
  seriesUID: string,
  slices: readonly DisplayedSlice[],
  modality?: string,
): DicomSeriesResult {
  return {
    volume: { ...grid, data: new Uint8Array(0) },
    studyInstanceUID: '',
    seriesInstanceUID: seriesUID,
    frameOfReferenceUID: grid.frameOfReferenceUID,
    modality,
    sopClassUID: '',
    sopInstanceUIDs: slices.map((s) => s.sopInstanceUID),
    // the readers only ask whether any source instance is multi-frame
    instanceMetadata: slices.map(
      (s) => ({ SOPInstanceUID: s.sopInstanceUID, NumberOfFrames: 1 }) as DicomInstanceMetadata,
    ),
    slices: slices.map((s) => ({
      sopInstanceUID: s.sopInstanceUID,
      frameIndex: 0,
      file: '',
      position: s.position,
    })),
    warnings: [],
  };
}

/**
 * Voxel count per label of the slices added so far (a typed histogram: no object property
 * lookups per voxel); Uint8Array / Uint16Array labelmaps have at most 65536 labels.
 */
export class LabelCounter {
  private readonly hist: Float64Array;

  constructor(kind: LabelArray) {
    this.hist = new Float64Array(kind instanceof Uint8Array ? 256 : 65536);
  }

  add(values: LabelArray) {
    const hist = this.hist;
    for (let i = 0; i < values.length; i++) hist[values[i]]++;
  }

  /** Voxel count per label present (background left out). */
  counts(): Record<number, number> {
    const out: Record<number, number> = {};
    for (let v = 1; v < this.hist.length; v++) if (this.hist[v] > 0) out[v] = this.hist[v];
    return out;
  }
}

/**
 * The labels an overlay lists: those the labelmap describes and those present in it (counts),
 * sorted, background left out; a label without a name or colour gets `Label <n>` and
 * `fallbackColor(n)`; layer and codes are kept (docs/structures.md).
 */
export function overlayLabels(
  known: readonly LabelInfo[] | undefined,
  counts: Record<number, number>,
  fallbackColor: (label: number) => [number, number, number],
): LabelInfo[] {
  const byLabel = new Map((known ?? []).map((l) => [l.label, l]));
  return [...new Set([...byLabel.keys(), ...Object.keys(counts).map(Number)])]
    .filter((l) => l > 0)
    .sort((a, b) => a - b)
    .map((label) => {
      const k = byLabel.get(label);
      return {
        label,
        name: k?.name ?? `Label ${label}`,
        color: k?.color ?? fallbackColor(label),
        ...(k?.layer ? { layer: k.layer } : {}),
        ...(k?.codes ? { codes: k.codes } : {}),
      };
    });
}
