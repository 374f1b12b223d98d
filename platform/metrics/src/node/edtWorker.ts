/**
 * Worker body of the EDT pool: surface distances (ring search) for a range of planes, served
 * with the core worker RPC. It imports only the RPC entries of core, so that a worker starts fast.
 */
import { parentPort } from 'node:worker_threads';
import { expose, transfer } from '@concord/core/rpc';
import { nodeEndpoint } from '@concord/core/rpc/node';
import { edtBuffers, ringDistances, type EdtBuffers } from '../engine/edt.ts';

/** One range of planes for a pool worker (buffers are SharedArrayBuffers, not copied). */
export interface EdtJob {
  flags: SharedArrayBuffer;
  counts: SharedArrayBuffer;
  dims: [number, number, number];
  spacing: [number, number, number];
  queryBit: number;
  k0: number;
  k1: number;
  /** Number of query voxels in the range (size of the result). */
  queries: number;
}

let buffers: EdtBuffers = edtBuffers(0, 0, 1);

const api = {
  /** d(x, surface) for the query voxels of planes k0..k1-1, in storage order (moved back). */
  distances(job: EdtJob) {
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
    return transfer(out, [out.buffer]);
  },
};
export type EdtWorkerApi = typeof api;

if (parentPort) expose(api, nodeEndpoint(parentPort));
