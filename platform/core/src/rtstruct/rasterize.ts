/**
 * Polygon rasterisation of RTSTRUCT contours (docs/structures.md, "RTSTRUCT"): a pixel belongs
 * to a set of closed polygons when its centre is inside by the even-odd rule, so a hole drawn
 * as a separate contour inside another one (or as a keyhole) is left out.
 */

/**
 * Fills `out` (nx * ny pixels, x fastest; set to 1, never cleared) with the pixels whose centre
 * lies inside `polygons` by the even-odd rule. Each polygon is [x0, y0, x1, y1, ...] in pixel
 * index coordinates (pixel (i, j) has its centre at x = i, y = j) and is closed implicitly
 * (last point to first). All polygons are filled together, so where two overlap the crossing
 * count is even and the pixel is outside (a hole). A centre exactly on an edge follows the
 * half-open rule (an edge on the low-x or low-y side of the polygon keeps its centres, one on the
 * high side does not), so two polygons sharing an edge never both take its pixels. Returns the number of pixels set.
 */
export function fillPolygonsEvenOdd(
  polygons: readonly ArrayLike<number>[],
  nx: number,
  ny: number,
  out: Uint8Array,
): number {
  // crossings of each pixel row's centre line y = j with the polygon edges
  const rows: number[][] = [];
  for (const poly of polygons) {
    const n = poly.length >> 1;
    if (n < 3) continue;
    for (let a = 0; a < n; a++) {
      const b = a + 1 === n ? 0 : a + 1;
      const xa = poly[2 * a];
      const ya = poly[2 * a + 1];
      const xb = poly[2 * b];
      const yb = poly[2 * b + 1];
      if (ya === yb) continue; // horizontal: no crossing with a half-open row rule
      const [y0, y1, x0, x1] = ya < yb ? [ya, yb, xa, xb] : [yb, ya, xb, xa];
      // rows j with y0 <= j < y1 (half-open: a vertex is counted once)
      const jStart = Math.max(0, Math.ceil(y0));
      const jEnd = Math.min(ny - 1, Math.ceil(y1) - 1);
      const slope = (x1 - x0) / (y1 - y0);
      for (let j = jStart; j <= jEnd; j++) (rows[j] ??= []).push(x0 + (j - y0) * slope);
    }
  }
  let count = 0;
  for (let j = 0; j < ny; j++) {
    const xs = rows[j];
    if (!xs) continue;
    xs.sort((p, q) => p - q);
    const base = j * nx;
    for (let m = 0; m + 1 < xs.length; m += 2) {
      // centres i with xs[m] <= i < xs[m + 1]
      const i0 = Math.max(0, Math.ceil(xs[m]));
      const i1 = Math.min(nx, Math.ceil(xs[m + 1]));
      for (let i = i0; i < i1; i++) {
        if (!out[base + i]) {
          out[base + i] = 1;
          count++;
        }
      }
    }
  }
  return count;
}
