import { DISAGREEMENT_COLORS, DisagreementClass } from './style.ts';

/**
 * Paints one 2D slice of DisagreementClass codes into an RGBA buffer (width*height*4) with the
 * disagreement colours at `alpha`; voxels of class None stay fully transparent. Shared by the
 * viewer overlay and the report's slice renderer so both show identical colours.
 */
export function paintDisagreementSlice(
  classes: ArrayLike<number>,
  alpha: number,
  out: Uint8ClampedArray = new Uint8ClampedArray(classes.length * 4),
  visible: ReadonlySet<DisagreementClass> = ALL_CLASSES,
): Uint8ClampedArray {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i] as DisagreementClass;
    const o = i * 4;
    if (cls === DisagreementClass.None || !visible.has(cls)) {
      out[o + 3] = 0;
      continue;
    }
    const [r, g, b] =
      DISAGREEMENT_COLORS[cls as Exclude<DisagreementClass, DisagreementClass.None>];
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a;
  }
  return out;
}

const ALL_CLASSES: ReadonlySet<DisagreementClass> = new Set([
  DisagreementClass.TruePositive,
  DisagreementClass.FalsePositiveBoundary,
  DisagreementClass.FalsePositiveGross,
  DisagreementClass.FalseNegativeBoundary,
  DisagreementClass.FalseNegativeGross,
]);

/** Extracts slice `index` along `axis` from a volume stored i-fastest (dims [ni, nj, nk]). */
export function extractSlice<T extends ArrayLike<number>>(
  data: T,
  dims: readonly [number, number, number],
  axis: 0 | 1 | 2,
  index: number,
): { width: number; height: number; values: Float32Array } {
  const [ni, nj, nk] = dims;
  if (index < 0 || index >= dims[axis])
    throw new RangeError(`slice ${index} outside 0..${dims[axis] - 1} along axis ${axis}`);
  // In-slice axes keep storage order: axial (k) -> i x j, coronal (j) -> i x k, sagittal (i) -> j x k
  const [width, height] = axis === 2 ? [ni, nj] : axis === 1 ? [ni, nk] : [nj, nk];
  const values = new Float32Array(width * height);
  let o = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++, o++) {
      const [i, j, k] = axis === 2 ? [u, v, index] : axis === 1 ? [u, index, v] : [index, u, v];
      values[o] = data[i + j * ni + k * ni * nj];
    }
  }
  void nk;
  return { width, height, values };
}
