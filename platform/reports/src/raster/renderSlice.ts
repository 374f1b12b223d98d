/**
 * Renders one axial slice (fixed k) of an image with label overlays to an RGB raster, in pure
 * TypeScript (no canvas), for the PDF report. Pixel (x, y) is voxel (i, j): i to the right,
 * j downwards, as DICOM rows and columns are displayed.
 */
import type { LabelVolume, Volume } from '@concord/core';
import { paintDisagreementSlice, type Rgb } from '@concord/metrics';
import type { RasterImage } from './png.ts';

/** Fallback structure colours when a labelmap carries none (distinct, saturated). */
const PALETTE: Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
];

export function labelColor(label: number, labels?: LabelVolume['labels']): Rgb {
  const c = labels?.find((l) => l.label === label)?.color;
  return c ?? PALETTE[(label - 1 + PALETTE.length) % PALETTE.length];
}

export interface WindowLevel {
  center: number;
  width: number;
}

/**
 * A display window from the 1st to the 99th percentile of the image intensities (sampled),
 * robust to the hot voxels and empty background of MR.
 */
export function autoWindow(image: Pick<Volume, 'data'>, maxSamples = 65536): WindowLevel {
  const n = image.data.length;
  if (n === 0) return { center: 0, width: 1 };
  const step = Math.max(1, Math.floor(n / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(image.data[i]);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.01 * (sample.length - 1))];
  const hi = sample[Math.ceil(0.99 * (sample.length - 1))];
  const width = hi > lo ? hi - lo : Math.max(1, Math.abs(hi));
  return { center: lo + width / 2, width };
}

export type { Rgb };

export type OverlayKind = 'reference' | 'prediction' | 'disagreement' | 'none';

export interface RenderSliceOptions {
  overlay: OverlayKind;
  /**
   * For the disagreement overlay: one DisagreementClass per pixel of the slice (i fastest),
   * painted with the viewer's colours (`paintDisagreementSlice`).
   */
  classes?: ArrayLike<number>;
  window?: WindowLevel;
  /** opacity of label colours over the image, 0..1 */
  alpha?: number;
  /** integer nearest-neighbour magnification */
  scale?: number;
}

/** Integer magnification so that the larger side reaches about `target` pixels (at most 16×). */
export function magnificationFor(dims: readonly number[], target = 256): number {
  return Math.max(1, Math.min(16, Math.round(target / Math.max(dims[0], dims[1], 1))));
}

export interface SliceVolumes {
  /** the image; absent = black background */
  image?: Volume;
  reference: LabelVolume;
  prediction: LabelVolume;
}

/** Renders slice `k` with the chosen overlay. Labelmaps must share the image's grid. */
export function renderSlice(
  vols: SliceVolumes,
  k: number,
  options: RenderSliceOptions,
): RasterImage {
  const [nx, ny, nz] = vols.reference.dims;
  if (!Number.isInteger(k) || k < 0 || k >= nz) {
    throw new RangeError(`slice ${k} outside 0..${nz - 1}`);
  }
  const scale = options.scale ?? 1;
  const alpha = options.alpha ?? 0.5;
  const win = options.window ?? (vols.image ? autoWindow(vols.image) : { center: 0, width: 1 });
  const lo = win.center - win.width / 2;
  const width = nx * scale;
  const height = ny * scale;
  const out = new Uint8Array(width * height * 3);
  const ref = vols.reference.data;
  const pred = vols.prediction.data;
  const img = vols.image?.data;
  const refColors = new Map<number, Rgb>();
  const predColors = new Map<number, Rgb>();
  const colorOf = (cache: Map<number, Rgb>, label: number, labels: LabelVolume['labels']) => {
    let c = cache.get(label);
    if (!c) cache.set(label, (c = labelColor(label, labels)));
    return c;
  };
  const base = k * nx * ny;
  let paint: Uint8ClampedArray | undefined;
  if (options.overlay === 'disagreement') {
    if (!options.classes || options.classes.length !== nx * ny) {
      throw new RangeError('the disagreement overlay needs one class per pixel of the slice');
    }
    paint = paintDisagreementSlice(options.classes, 1);
  }
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = base + j * nx + i;
      const g = img ? Math.round(255 * Math.min(1, Math.max(0, (img[v] - lo) / win.width))) : 0;
      let rgb: Rgb = [g, g, g];
      let color: Rgb | undefined;
      const r = ref[v];
      const p = pred[v];
      if (options.overlay === 'reference' && r)
        color = colorOf(refColors, r, vols.reference.labels);
      else if (options.overlay === 'prediction' && p)
        color = colorOf(predColors, p, vols.prediction.labels);
      else if (paint && paint[4 * (v - base) + 3]) {
        const o = 4 * (v - base);
        color = [paint[o], paint[o + 1], paint[o + 2]];
      }
      if (color) {
        rgb = [
          Math.round((1 - alpha) * g + alpha * color[0]),
          Math.round((1 - alpha) * g + alpha * color[1]),
          Math.round((1 - alpha) * g + alpha * color[2]),
        ];
      }
      for (let dy = 0; dy < scale; dy++) {
        let o = ((j * scale + dy) * width + i * scale) * 3;
        for (let dx = 0; dx < scale; dx++, o += 3) {
          out[o] = rgb[0];
          out[o + 1] = rgb[1];
          out[o + 2] = rgb[2];
        }
      }
    }
  }
  return { width, height, channels: 3, data: out };
}
