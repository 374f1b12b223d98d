import type { LabelArray } from './types.ts';

/**
 * Builds the layers of a structure set (docs/structures.md) one structure at a time: each
 * structure goes on the first layer where it collides with no voxel already placed, so
 * exclusive structures share layer 0 and only overlapping ones open further layers (the
 * "shared labelmap" scheme of 3D Slicer's segmentations). Structures arrive as slices, the
 * way DICOM SEG frames and RTSTRUCT contours do, so the cost is proportional to the slices a
 * structure occupies, never to structures x voxels.
 */
export class StructureLayers {
  readonly arrays: LabelArray[] = [];
  private readonly wide: boolean;

  constructor(
    private readonly nVoxels: number,
    private readonly sliceSize: number,
    maxLabel: number,
  ) {
    this.wide = maxLabel > 255;
    this.arrays.push(this.newLayer());
  }

  /** Number of layers (1 when no structures overlap). */
  get count(): number {
    return this.arrays.length;
  }

  private newLayer(): LabelArray {
    return this.wide ? new Uint16Array(this.nVoxels) : new Uint8Array(this.nVoxels);
  }

  /**
   * Places `label` given as slice index -> 0/1 mask (sliceSize pixels, i fastest) on the first
   * layer where none of its pixels is taken; returns that layer's index.
   */
  place(label: number, slices: ReadonlyMap<number, Uint8Array>): number {
    const n = this.sliceSize;
    let layer = 0;
    for (; layer < this.arrays.length; layer++) {
      const a = this.arrays[layer];
      let free = true;
      for (const [k, mask] of slices) {
        const base = k * n;
        for (let p = 0; p < n; p++) {
          if (mask[p] && a[base + p] !== 0) {
            free = false;
            break;
          }
        }
        if (!free) break;
      }
      if (free) break;
    }
    if (layer === this.arrays.length) this.arrays.push(this.newLayer());
    const a = this.arrays[layer];
    for (const [k, mask] of slices) {
      const base = k * n;
      for (let p = 0; p < n; p++) if (mask[p]) a[base + p] = label;
    }
    return layer;
  }

  /**
   * Like `place`, for a structure given as runs: slice index -> [start, end, start, end, …)
   * pixel offsets within the slice (runs may repeat or overlap: they are OR-ed). The cost is
   * proportional to the structure's voxels, not to the slices' size.
   */
  placeRuns(label: number, slices: ReadonlyMap<number, ArrayLike<number>>): number {
    const n = this.sliceSize;
    let layer = 0;
    for (; layer < this.arrays.length; layer++) {
      if (this.runsFree(this.arrays[layer], slices, label)) break;
    }
    if (layer === this.arrays.length) this.arrays.push(this.newLayer());
    const a = this.arrays[layer];
    for (const [k, runs] of slices) {
      const base = k * n;
      for (let r = 0; r < runs.length; r += 2) a.fill(label, base + runs[r], base + runs[r + 1]);
    }
    return layer;
  }

  /** Whether no voxel of the runs is taken on layer `a` (by another structure). */
  private runsFree(a: LabelArray, slices: ReadonlyMap<number, ArrayLike<number>>, label: number) {
    const n = this.sliceSize;
    for (const [k, runs] of slices) {
      const base = k * n;
      for (let r = 0; r < runs.length; r += 2) {
        const end = base + runs[r + 1];
        for (let p = base + runs[r]; p < end; p++) {
          const v = a[p];
          if (v !== 0 && v !== label) return false;
        }
      }
    }
    return true;
  }
}
