/**
 * Runs cases on this machine: in this process (1 worker) or on N worker threads, each serving
 * runCase through the core RPC. A worker that dies fails only the case it was running.
 */
import { Worker } from 'node:worker_threads';
import { connect, type Remote } from '@concord/core/rpc';
import { nodeEndpoint } from '@concord/core/rpc/node';
import type { CaseSpec } from './casesFile.ts';
import type { CaseWorkerApi } from './caseWorker.ts';
import {
  runCase,
  writeAtomic,
  recordFile,
  type CaseRecord,
  type CaseRunOptions,
} from './runCase.ts';

// from the TypeScript sources the .mjs shim loads caseWorker.ts through tsx; dist/ runs caseWorker.js
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = FROM_SOURCE ? './caseWorker.mjs' : './caseWorker.js';
const WORKER_OPTIONS = FROM_SOURCE
  ? { execArgv: [...process.execArgv, '--conditions=source'] }
  : {};

export interface PendingCase {
  spec: CaseSpec;
  key: string;
}

/** Worker threads that run cases (one at a time each) through the core RPC. */
export class CaseThreads {
  private readonly idle: { worker: Worker; remote: Remote<CaseWorkerApi> }[] = [];
  private readonly all = new Set<Worker>();

  private spawn() {
    const worker = new Worker(new URL(WORKER_FILE, import.meta.url), WORKER_OPTIONS);
    this.all.add(worker);
    return { worker, remote: connect<CaseWorkerApi>(nodeEndpoint(worker)) };
  }

  /** Runs one case on a free thread; a thread that dies fails only that case (and is replaced). */
  async run(spec: CaseSpec, options: CaseRunOptions, key: string): Promise<CaseRecord> {
    const t = this.idle.pop() ?? this.spawn();
    try {
      const record = await t.remote.call('run', { spec, options, key });
      this.idle.push(t);
      return record;
    } catch (e) {
      t.remote.close();
      this.all.delete(t.worker);
      await t.worker.terminate();
      const record: CaseRecord = {
        id: spec.id,
        key,
        status: 'failed',
        error: `worker failed: ${(e as Error).message}`,
        reports: {},
      };
      await writeAtomic(recordFile(options.out, spec.id), JSON.stringify(record, null, 2) + '\n');
      return record;
    }
  }

  async close(): Promise<void> {
    for (const t of this.idle) t.remote.close();
    await Promise.all([...this.all].map((w) => w.terminate()));
  }
}

/** Runs `pending` on `workers` threads (in this process when 1); `onDone` after each case. */
export async function runLocal(
  pending: readonly PendingCase[],
  options: CaseRunOptions,
  workers: number,
  onDone: (r: CaseRecord) => void,
): Promise<void> {
  if (workers <= 1 || pending.length <= 1) {
    for (const p of pending) onDone(await runCase(p.spec, options, p.key));
    return;
  }
  const threads = new CaseThreads();
  let next = 0;
  const lane = async () => {
    while (next < pending.length) {
      const p = pending[next++];
      onDone(await threads.run(p.spec, options, p.key));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, pending.length) }, lane));
  } finally {
    await threads.close();
  }
}
