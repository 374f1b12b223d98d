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
    // runs of equal (reference, prediction) pairs, counted once per run
    const add = (a: number, b: number, len: number): void => {
      if (dense) dense[(a << 8) | b] += len;
      else if (a === b) diag[a] += len;
      else {
        const key = a * 65536 + b;
        off.set(key, (off.get(key) ?? 0) + len);
      }
    };
    if (n > 0) {
      let a = reference[0];
      let b = prediction[0];
      let start = 0;
      for (let o = 1; o < n; o++) {
        const x = reference[o];
        const y = prediction[o];
        if (x !== a || y !== b) {
          add(a, b, o - start);
          a = x;
          b = y;
          start = o;
        }
      }
      add(a, b, n - start);
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
    // A run [i0, i1] of label l on the current row extends l's box.
    const touch = (l: number, i0: number, i1: number, j: number, k: number): void => {
      if (rowStamp[l] !== row) {
        rowStamp[l] = row;
        if (j < minJ[l]) minJ[l] = j;
        if (j > maxJ[l]) maxJ[l] = j;
        if (k < minK[l]) minK[l] = k;
        if (k > maxK[l]) maxK[l] = k;
        if (i0 < minI[l]) minI[l] = i0;
      }
      if (i1 > maxI[l]) maxI[l] = i1;
    };
    // Rows are walked as runs of equal (reference, prediction) pairs: labelmaps are mostly
    // long runs, so histogram and box updates happen once per run, not once per voxel.
    const flush = (a: number, b: number, i0: number, i1: number, j: number, k: number): void => {
      const len = i1 - i0 + 1;
      if (dense) dense[(a << 8) | b] += len;
      else if (a === b) diag[a] += len;
      else {
        const key = a * 65536 + b;
        off.set(key, (off.get(key) ?? 0) + len);
      }
      if (a !== 0) touch(a, i0, i1, j, k);
      if (b !== 0 && b !== a) touch(b, i0, i1, j, k);
    };
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++, row++) {
        let a = reference[o];
        let b = prediction[o];
        let i0 = 0;
        o++;
        for (let i = 1; i < nx; i++, o++) {
          const x = reference[o];
          const y = prediction[o];
          if (x !== a || y !== b) {
            flush(a, b, i0, i - 1, j, k);
            a = x;
            b = y;
            i0 = i;
          }
        }
        flush(a, b, i0, nx - 1, j, k);
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
