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
 * Works in index units (g = f / s^2) to avoid a division per intersection.
 * Returns false (d untouched) when every sample is infinite.
 */
export function edt1d(n: number, s: number, sc: EdtScratch): boolean {
  const { f, d, v, z } = sc;
  let k = -1;
  const s2 = s * s;
  const inv = 1 / s2;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const gq = fq * inv + q * q;
    f[q] = gq; // f now holds g + q^2 for the samples kept
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // intersection (in index units) of the parabola from q with the rightmost one kept
    let x = 0;
    for (;;) {
      const p = v[k];
      x = (gq - f[p]) / (2 * (q - p));
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
    // (q - p)^2 + g_p = q^2 - 2qp + (g_p + p^2)
    d[q] = (q * q - 2 * q * p + f[p]) * s2;
  }
  return true;
}

/**
 * Squared distance (mm^2) from every voxel of a box to the nearest voxel whose `flags` have
 * `bit` set; Infinity everywhere when there is none. Data is i-fastest, then j, then k.
 * With `queryBits`, values are exact only where `flags & queryBits` is non-zero (the voxels the
 * caller reads); other voxels may hold partial results.
 *
 * Pass order keeps memory access sequential: the binary pass runs along k as whole-plane
 * sweeps (contiguous), then lower envelopes along j (strided within one plane, cache-resident)
 * and along i (contiguous).
 */
export function squaredEdt(
  flags: Uint8Array,
  bit: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  out: Float32Array,
  sc: EdtScratch = edtScratch(Math.max(dims[0], dims[1], dims[2])),
  queryBits = 0,
): Float32Array {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const nxy = nx * ny;
  const n = nxy * nz;
  // With queryBits, only voxels whose flags have one of them set need exact values: rows
  // without such a voxel skip the last pass, planes without one skip the middle pass.
  const rows = ny * nz;
  let rowLo: Int32Array | null = null;
  let rowHi: Int32Array | null = null;
  let planeHas: Uint8Array | null = null;
  if (queryBits) {
    rowLo = new Int32Array(rows).fill(-1);
    rowHi = new Int32Array(rows);
    planeHas = new Uint8Array(nz);
    for (let r = 0, o = 0; r < rows; r++) {
      for (let i = 0; i < nx; i++, o++) {
        if (flags[o] & queryBits) {
          if (rowLo[r] < 0) rowLo[r] = i;
          rowHi[r] = i;
        }
      }
      if (rowLo[r] >= 0) planeHas[Math.floor(r / ny)] = 1;
    }
  }
  // Pass 1 (k): voxel count to the nearest feature on the k-line, forward then backward sweeps
  for (let o = 0; o < nxy; o++) out[o] = flags[o] & bit ? 0 : Infinity;
  for (let o = nxy; o < n; o++) out[o] = flags[o] & bit ? 0 : out[o - nxy] + 1;
  for (let o = n - nxy - 1; o >= 0; o--) {
    const b = out[o + nxy] + 1;
    if (b < out[o]) out[o] = b;
  }
  const { f, d } = sc;
  const sz2 = sz * sz;
  // Pass 2 (j), per plane; converts counts to squared mm on the way in
  for (let k = 0; k < nz; k++) {
    if (planeHas && !planeHas[k]) continue;
    const plane = k * nxy;
    for (let i = 0; i < nx; i++) {
      const base = plane + i;
      let any = false;
      for (let j = 0, o = base; j < ny; j++, o += nx) {
        const c = out[o];
        f[j] = c * c * sz2;
        if (c !== Infinity) any = true;
      }
      if (!any) continue; // no feature on this k-column set yet: stays Infinity
      edt1d(ny, sy, sc);
      for (let j = 0, o = base; j < ny; j++, o += nx) out[o] = d[j];
    }
  }
  // Pass 3 (i), contiguous rows
  for (let r = 0, base = 0; r < rows; r++, base += nx) {
    let lo = 0;
    let hi = nx - 1;
    if (rowLo) {
      lo = rowLo[r];
      if (lo < 0) continue;
      hi = rowHi![r];
    }
    for (let i = 0; i < nx; i++) f[i] = out[base + i];
    if (!edt1d(nx, sx, sc)) continue;
    for (let i = lo; i <= hi; i++) out[base + i] = d[i];
  }
  return out;
}
