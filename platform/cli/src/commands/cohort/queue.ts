/**
 * `concord cohort --queue` and `concord worker` (docs/cohort.md#distributed-runs): cases become
 * BullMQ jobs on Redis, processed by `concord worker` on any machine that sees the files.
 * At-least-once: a worker killed mid-case loses its job lock and BullMQ hands the job to
 * another worker (stalled-job check); results are written atomically and are the same bytes
 * whoever writes them, so a case run twice is counted once. The producer reads results from
 * disk (the case records), never from Redis.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  caseProgress,
  planCohort,
  writeCohort,
  type CohortOptions,
  type CohortRunResult,
} from './cohort.ts';
import { CaseThreads, type PendingCase } from './localPool.ts';
import type { CaseSpec } from './casesFile.ts';
import {
  readRecord,
  recordFile,
  writeAtomic,
  type CaseRecord,
  type CaseRunOptions,
} from './runCase.ts';

export const QUEUE_NAME = 'concord-cohort';
/** Cases whose result the producer checks per 250 ms tick. */
const POLL_BATCH = 256;

interface CaseJob {
  spec: CaseSpec;
  options: CaseRunOptions;
  key: string;
}

/** Redis is not reachable: one line, exit code 1. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailable';
}

/** Fails fast with a clear message when nothing answers at `url`. */
async function probe(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
  });
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const reason = (cause ?? (e as Error)).message || (cause as NodeJS.ErrnoException)?.code;
    throw new QueueUnavailableError(
      `cannot reach Redis at ${url} (${reason}); start one (scripts/redis/start.sh) or check --queue`,
    );
  } finally {
    client.disconnect();
  }
}

/** A connection that retries for ever and says so, once per outage, on stderr. */
function connection(url: string, who: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (n) => Math.min(200 * n, 2000),
  });
  let down = false;
  client.on('error', (e: Error) => {
    if (!down)
      process.stderr.write(
        `concord ${who}: Redis at ${url} unreachable (${e.message}); retrying\n`,
      );
    down = true;
  });
  client.on('ready', () => {
    if (down) process.stderr.write(`concord ${who}: Redis at ${url} is back\n`);
    down = false;
  });
  return client;
}

/** Job id of a case: its output folder, id and input key (a re-run of other inputs is a new job). */
export function jobId(out: string, id: string, key: string): string {
  return createHash('sha256').update(`${out}\0${id}\0${key}`).digest('hex').slice(0, 40);
}

/** `concord cohort --queue`: enqueues the cases left to run, waits for their results on disk. */
export async function runCohortOnQueue(o: CohortOptions, url: string): Promise<CohortRunResult> {
  await probe(url);
  const plan = await planCohort(o);
  const client = connection(url, 'cohort');
  const queue = new Queue<CaseJob>(QUEUE_NAME, { connection: client });
  queue.on('error', () => {}); // reported by the connection
  const out = plan.runOptions.out;
  const progress = caseProgress(plan.pending.length, o.progress ?? Boolean(process.stderr.isTTY));
  try {
    const enqueue = (p: PendingCase) =>
      queue.add(
        'case',
        { spec: p.spec, options: plan.runOptions, key: p.key },
        {
          jobId: jobId(out, p.spec.id, p.key),
          attempts: 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: 86400 },
          removeOnFail: { age: 86400 },
        },
      );
    for (const p of plan.pending) {
      // an old record of these inputs (a failed case) must not be read as this run's result
      await rm(recordFile(out, p.spec.id), { force: true });
      const old = await queue.getJob(jobId(out, p.spec.id, p.key));
      if (old && ((await old.isCompleted()) || (await old.isFailed()))) await old.remove();
      await enqueue(p);
    }
    if (plan.pending.length)
      process.stderr.write(
        `concord cohort: ${plan.pending.length} cases queued on ${url} (${plan.skipped} unchanged, skipped); waiting for \`concord worker --queue ${url}\`\n`,
      );
    const left = new Map(plan.pending.map((p) => [p.spec.id, p]));
    while (left.size) {
      // a bounded batch per tick, round robin (Map order; re-inserted at the end), so that a
      // cohort of thousands costs Redis and the filesystem a steady trickle of requests
      const batch = [...left].slice(0, POLL_BATCH);
      for (const [id, p] of batch) {
        left.delete(id);
        left.set(id, p);
        const record = await readRecord(out, id);
        if (record?.key === p.key) {
          left.delete(id);
          progress.tick(record);
          continue;
        }
        const job = await queue.getJob(jobId(out, id, p.key));
        if (job && (await job.isCompleted())) {
          // completed, but the record on disk is not this job's (a late writer of older inputs
          // overwrote it): read once more, then run the case again
          if ((await readRecord(out, id))?.key === p.key) continue;
          await job.remove();
          await enqueue(p);
        } else if (!job || (await job.isFailed())) {
          // attempts used up (or the job vanished): the case fails with the queue's reason
          const failed: CaseRecord = {
            id,
            key: p.key,
            status: 'failed',
            error: `queue: ${job?.failedReason ?? 'job lost'}`.split('\n')[0],
            reports: {},
          };
          await writeAtomic(recordFile(out, id), JSON.stringify(failed, null, 2) + '\n');
        }
      }
      if (left.size) await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    progress.stop();
    await queue.close();
    client.disconnect();
  }
  const { cohort, files } = await writeCohort(plan, o);
  return {
    cohort,
    files,
    ran: plan.pending.length,
    skipped: plan.skipped,
    unreadable: plan.unreadable.length,
  };
}

export interface WorkerCliOptions {
  queue: string;
  concurrency: number;
  /** job lock, ms: a killed worker's job is retried after about this long (default 30 s) */
  lockDuration?: number;
}

/** `concord worker`: runs cohort jobs on worker threads until SIGINT/SIGTERM. */
export async function workerAction(o: WorkerCliOptions): Promise<void> {
  await probe(o.queue);
  const client = connection(o.queue, 'worker');
  const threads = new CaseThreads();
  const lockDuration = o.lockDuration ?? 30_000;
  // cases run on threads so that this event loop stays free to renew the job locks
  const worker = new Worker<CaseJob, string>(
    QUEUE_NAME,
    async (job: Job<CaseJob>) => {
      const { spec, options, key } = job.data;
      process.stdout.write(`start ${spec.id} (job ${job.id}, attempt ${job.attemptsMade + 1})\n`);
      const record = await threads.run(spec, options, key);
      process.stdout.write(
        `done ${spec.id}: ${record.status}${record.error ? ` (${record.error})` : ''}\n`,
      );
      return record.status;
    },
    {
      connection: client,
      concurrency: o.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 5,
    },
  );
  worker.on('error', () => {}); // reported by the connection
  process.stdout.write(
    `concord worker: processing ${QUEUE_NAME} on ${o.queue} (concurrency ${o.concurrency})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await worker.close();
  await threads.close();
  client.disconnect();
}

/** `concord cohort --status --queue`: the job counts of the cohort queue. */
export async function printQueueStatus(url: string): Promise<void> {
  await probe(url);
  const client = connection(url, 'cohort');
  const queue = new Queue(QUEUE_NAME, { connection: client });
  try {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const workers = await queue.getWorkersCount();
    process.stdout.write(
      `${QUEUE_NAME} on ${url}: ${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed, ${c.completed} completed, ${c.failed} failed; ${workers} workers connected\n`,
    );
  } finally {
    await queue.close();
    client.disconnect();
  }
}
