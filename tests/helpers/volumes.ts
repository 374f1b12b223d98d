/** Volume fixtures shared by tests and benchmarks. */
import { indexToWorld, type Vec3, type Volume } from '@concord/core';

/** The box [i0, i0 + n) x [j0, j0 + m) x [k0, k0 + l) of a volume as float32, with its grid. */
export function cropFloat32(v: Volume, [i0, j0, k0]: Vec3, [n, m, l]: Vec3): Volume<Float32Array> {
  const data = new Float32Array(n * m * l);
  let o = 0;
  for (let k = k0; k < k0 + l; k++)
    for (let j = j0; j < j0 + m; j++)
      for (let i = i0; i < i0 + n; i++) data[o++] = v.data[(k * v.dims[1] + j) * v.dims[0] + i];
  return {
    dims: [n, m, l],
    spacing: v.spacing,
    origin: indexToWorld(v, [i0, j0, k0]),
    direction: v.direction,
    data,
  };
}
