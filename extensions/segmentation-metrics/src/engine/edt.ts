/**
 * Exact Euclidean distance transform, linear time (Felzenszwalb & Huttenlocher 2012, "Distance
 * transforms of sampled functions"), separable in three 1D passes, with anisotropic spacing.
 * Distances are between voxel centres, in mm.
 */

/** Reusable scratch buffers for the 1D lower-envelope passes (sized for the longest line). */
export interface EdtScratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

export function edtScratch(maxLine: number): EdtScratch {
  return {
    f: new Float64Array(maxLine),
    d: new Float64Array(maxLine),
    v: new Int32Array(maxLine),
    z: new Float64Array(maxLine + 1),
  };
}

/**
 * 1D squared distance transform of a sampled function f on points x_q = q*s:
 * d[q] = min_p ((q - p) s)^2 + f[p]. Infinite samples carry no parabola.
 * Returns false (d untouched) when every sample is infinite.
 */
export function edt1d(n: number, s: number, sc: EdtScratch): boolean {
  const { f, d, v, z } = sc;
  let k = -1;
  const s2 = s * s;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // intersection (in index units) of the parabola from q with the rightmost one kept
    const gq = fq / s2 + q * q;
    let x = 0;
    for (;;) {
      const p = v[k];
      x = (gq - (f[p] / s2 + p * p)) / (2 * (q - p));
      if (x <= z[k]) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = x;
    z[k + 1] = Infinity;
  }
  if (k < 0) return false;
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    const dq = (q - p) * s;
    d[q] = dq * dq + f[p];
  }
  return true;
}

/**
 * Squared distance (mm^2) from every voxel of a box to the nearest voxel whose `flags` have
 * `bit` set; Infinity everywhere when there is none. Data is i-fastest, then j, then k.
 */
export function squaredEdt(
  flags: Uint8Array,
  bit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  out: Float32Array,
  sc: EdtScratch = edtScratch(Math.max(dims[0], dims[1], dims[2])),
): Float32Array {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const nxy = nx * ny;
  // Pass 1 (i, contiguous): distance to the nearest feature on the row, two sweeps.
  for (let row = 0, base = 0; row < ny * nz; row++, base += nx) {
    let last = -1;
    for (let i = 0; i < nx; i++) {
      if (flags[base + i] & bit) last = i;
      out[base + i] = last < 0 ? Infinity : i - last;
    }
    if (last < 0) continue; // no feature on this row: stays Infinity
    last = -1;
    for (let i = nx - 1; i >= 0; i--) {
      if (flags[base + i] & bit) last = i;
      const dl = out[base + i];
      const dr = last < 0 ? Infinity : last - i;
      const m = dl < dr ? dl : dr;
      out[base + i] = m * m * sx * sx;
    }
  }
  // Pass 2 (j) and pass 3 (k): lower envelopes along strided lines.
  const { f, d } = sc;
  if (ny > 1) {
    for (let k = 0; k < nz; k++) {
      for (let i = 0; i < nx; i++) {
        const base = i + k * nxy;
        for (let j = 0, o = base; j < ny; j++, o += nx) f[j] = out[o];
        if (!edt1d(ny, sy, sc)) continue;
        for (let j = 0, o = base; j < ny; j++, o += nx) out[o] = d[j];
      }
    }
  }
  if (nz > 1) {
    for (let o0 = 0; o0 < nxy; o0++) {
      for (let k = 0, o = o0; k < nz; k++, o += nxy) f[k] = out[o];
      if (!edt1d(nz, sz, sc)) continue;
      for (let k = 0, o = o0; k < nz; k++, o += nxy) out[o] = d[k];
    }
  }
  return out;
}
