import { Worker } from 'node:worker_threads';
import { connect, type Remote } from '@concord/core/rpc';
import { nodeEndpoint } from '@concord/core/rpc/node';
import type { EdtJob, EdtWorkerApi } from './edtWorker.ts';

export type { EdtJob } from './edtWorker.ts';

// From the TypeScript sources (tsx, Vitest) the .mjs shim loads edtWorker.ts through tsx, and
// the worker resolves workspace packages to their sources too (the `source` export condition);
// the built package (dist/) runs its edtWorker.js directly.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = FROM_SOURCE ? './edtWorker.mjs' : './edtWorker.js';
const WORKER_OPTIONS = FROM_SOURCE
  ? { execArgv: [...process.execArgv, '--conditions=source'] }
  : undefined;

/** Worker threads that run ringDistances on ranges of planes over shared flags and counts. */
export class EdtPool {
  private readonly workers: Worker[];
  private readonly remotes: Remote<EdtWorkerApi>[];

  constructor(readonly size: number) {
    this.workers = Array.from(
      { length: size },
      () => new Worker(new URL(WORKER_FILE, import.meta.url), WORKER_OPTIONS),
    );
    this.remotes = this.workers.map((w) => connect<EdtWorkerApi>(nodeEndpoint(w)));
  }

  /** Runs a job on worker `index`; a worker that fails rejects its pending jobs. */
  run(index: number, job: EdtJob): Promise<Float64Array> {
    return this.remotes[index].call('distances', job);
  }

  /** Stops every worker (pending jobs reject) and waits until they have exited. */
  async close(): Promise<void> {
    for (const r of this.remotes) r.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
