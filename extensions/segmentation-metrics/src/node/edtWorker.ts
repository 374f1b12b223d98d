/** Worker body of the EDT pool: passes 2-3 of the plane-wise EDT for a range of planes. */
import { parentPort } from 'node:worker_threads';
import { edtBuffers, edtPlanes, type EdtBuffers } from '../engine/edt.ts';
import type { EdtJob } from './pool.ts';

let buffers: EdtBuffers = edtBuffers(0, 0, 1);

parentPort!.on('message', (job: EdtJob) => {
  const flags = new Uint8Array(job.flags);
  const counts = new Uint16Array(job.counts);
  const [nx, ny, nz] = job.dims;
  const nxy = nx * ny;
  if (buffers.plane.length < nxy || buffers.scratch.f.length < Math.max(nx, ny, nz)) {
    buffers = edtBuffers(0, nxy, Math.max(nx, ny, nz));
  }
  const out = new Float64Array(job.queries);
  let a = 0;
  const q = job.queryBit;
  edtPlanes(flags, job.dims, job.spacing, { ...buffers, counts }, q, job.k0, job.k1, (k, plane) => {
    const base = k * nxy;
    for (let o = 0; o < nxy; o++) if (flags[base + o] & q) out[a++] = Math.sqrt(plane[o]);
  });
  parentPort!.postMessage({ id: job.id, distances: out }, [out.buffer]);
});
