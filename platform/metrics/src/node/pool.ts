import { Worker } from 'node:worker_threads';

/** One range of planes for a pool worker (buffers are SharedArrayBuffers, not copied). */
export interface EdtJob {
  id: number;
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

/** Worker threads that run edtPlanes on ranges of planes over shared flags and counts. */
export class EdtPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (d: Float64Array) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(readonly size: number) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./edtWorker.mjs', import.meta.url));
      w.on('message', (m: { id: number; distances: Float64Array }) => {
        this.pending.get(m.id)?.resolve(m.distances);
        this.pending.delete(m.id);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      return w;
    });
  }

  /** Runs a job on worker `index`. */
  run(index: number, job: Omit<EdtJob, 'id'>): Promise<Float64Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[index].postMessage({ ...job, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
