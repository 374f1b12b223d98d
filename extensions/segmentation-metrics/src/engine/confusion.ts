import type { ConfusionMatrix, IndexBox } from './types.ts';

type Labels = Uint8Array | Uint16Array;

/**
 * Joint histogram of (reference, prediction) labels, built in one pass over both arrays.
 * Agreements (the vast majority of voxels) go to a dense per-label diagonal; disagreements to
 * a dense 256x256 table for 8-bit data or a sparse map for 16-bit data.
 */
export interface JointCounts {
  /** diag[l] = #voxels labelled l in both inputs. */
  diag: Float64Array;
  /** Off-diagonal counts: key = r * 65536 + p (r !== p). */
  off: Map<number, number>;
  /** Union bounding box of reference==l or prediction==l, per label (only when requested). */
  boxes?: Map<number, IndexBox>;
}

/** Single pass over both label arrays; with `boxes`, also the union bounding box of each label. */
export function countJoint(
  reference: Labels,
  prediction: Labels,
  dims: readonly [number, number, number],
  options: { boxes?: boolean } = {},
): JointCounts {
  const n = reference.length;
  if (prediction.length !== n) throw new Error('countJoint: arrays differ in length');
  const wide = reference instanceof Uint16Array || prediction instanceof Uint16Array;
  const size = wide ? 65536 : 256;
  const diag = new Float64Array(size);
  const off = new Map<number, number>();
  let boxes: Map<number, IndexBox> | undefined;
  // 8-bit data: one dense 256x256 table (512 KiB, cache-resident), split afterwards.
  const dense = wide ? null : new Float64Array(65536);
  if (!options.boxes) {
    if (dense) {
      for (let o = 0; o < n; o++) dense[(reference[o] << 8) | prediction[o]]++;
    } else {
      for (let o = 0; o < n; o++) {
        const a = reference[o];
        const b = prediction[o];
        if (a === b) diag[a]++;
        else {
          const key = a * 65536 + b;
          off.set(key, (off.get(key) ?? 0) + 1);
        }
      }
    }
  } else {
    boxes = new Map();
    // Per-label box as flat arrays; rowStamp avoids updating j/k bounds more than once per row.
    const minI = new Int32Array(size).fill(2 ** 30);
    const maxI = new Int32Array(size).fill(-1);
    const minJ = new Int32Array(size).fill(2 ** 30);
    const maxJ = new Int32Array(size).fill(-1);
    const minK = new Int32Array(size).fill(2 ** 30);
    const maxK = new Int32Array(size).fill(-1);
    const rowStamp = new Int32Array(size).fill(-1);
    const [nx, ny, nz] = dims;
    let o = 0;
    let row = 0;
    const touch = (l: number, i: number, j: number, k: number): void => {
      if (rowStamp[l] !== row) {
        rowStamp[l] = row;
        if (j < minJ[l]) minJ[l] = j;
        if (j > maxJ[l]) maxJ[l] = j;
        if (k < minK[l]) minK[l] = k;
        if (k > maxK[l]) maxK[l] = k;
        if (i < minI[l]) minI[l] = i;
      }
      if (i > maxI[l]) maxI[l] = i;
    };
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++, row++) {
        for (let i = 0; i < nx; i++, o++) {
          const a = reference[o];
          const b = prediction[o];
          if (dense) dense[(a << 8) | b]++;
          if (a === b) {
            if (!dense) diag[a]++;
            if (a === 0) continue;
            touch(a, i, j, k);
          } else {
            if (!dense) {
              const key = a * 65536 + b;
              off.set(key, (off.get(key) ?? 0) + 1);
            }
            if (a !== 0) touch(a, i, j, k);
            if (b !== 0) touch(b, i, j, k);
          }
        }
      }
    }
    for (let l = 1; l < size; l++) {
      if (maxI[l] >= 0) {
        boxes.set(l, { min: [minI[l], minJ[l], minK[l]], max: [maxI[l], maxJ[l], maxK[l]] });
      }
    }
  }
  if (dense) {
    for (let r = 0; r < 256; r++) {
      for (let p = 0; p < 256; p++) {
        const c = dense[(r << 8) | p];
        if (c === 0) continue;
        if (r === p) diag[r] = c;
        else off.set(r * 65536 + p, c);
      }
    }
  }
  return { diag, off, boxes };
}

/** Per-label counts derived from the joint histogram. */
export interface LabelCounts {
  tp: number;
  fp: number;
  fn: number;
  /** |reference == l| and |prediction == l| */
  ref: number;
  pred: number;
}

/** TP/FP/FN of every label from the joint histogram (labels absent from both get zeros). */
export function labelCounts(joint: JointCounts): Map<number, LabelCounts> {
  const out = new Map<number, LabelCounts>();
  const get = (l: number): LabelCounts => {
    let c = out.get(l);
    if (!c) {
      c = { tp: 0, fp: 0, fn: 0, ref: 0, pred: 0 };
      out.set(l, c);
    }
    return c;
  };
  joint.diag.forEach((c, l) => {
    if (c > 0) {
      const x = get(l);
      x.tp += c;
      x.ref += c;
      x.pred += c;
    }
  });
  for (const [key, c] of joint.off) {
    const r = Math.floor(key / 65536);
    const p = key % 65536;
    const xr = get(r);
    xr.fn += c;
    xr.ref += c;
    const xp = get(p);
    xp.fp += c;
    xp.pred += c;
  }
  return out;
}

/** Dense label-by-label confusion matrix over every label seen (0 included). */
export function confusionMatrix(joint: JointCounts): ConfusionMatrix {
  const seen = new Set<number>();
  joint.diag.forEach((c, l) => {
    if (c > 0) seen.add(l);
  });
  for (const key of joint.off.keys()) {
    seen.add(Math.floor(key / 65536));
    seen.add(key % 65536);
  }
  const labels = [...seen].sort((a, b) => a - b);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  labels.forEach((l, i) => (counts[i][i] = joint.diag[l]));
  for (const [key, c] of joint.off) {
    counts[index.get(Math.floor(key / 65536))!][index.get(key % 65536)!] = c;
  }
  return { labels, counts };
}
