/** Worker body of the EDT pool: surface distances (ring search) for a range of planes. */
import { parentPort } from 'node:worker_threads';
import { edtBuffers, ringDistances, type EdtBuffers } from '../engine/edt.ts';
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
  ringDistances(
    flags,
    job.queryBit,
    job.dims,
    job.spacing,
    { ...buffers, counts },
    out,
    job.k0,
    job.k1,
  );
  parentPort!.postMessage({ id: job.id, distances: out }, [out.buffer]);
});
