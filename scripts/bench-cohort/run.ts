/**
 * `npm run bench:cohort` (issue 15): a generated cohort (scripts/bench-cohort/generate.py,
 * default 40 cases of 181x217x181 from the AAL atlas, in .bench/cohort) evaluated by
 *   1. one process:            concord cohort
 *   2. 2 local worker threads: concord cohort --workers 2
 *   3. Redis + 2 workers:      concord cohort --queue + 2 x concord worker (redis-server on loopback)
 * and prints cases/min of each, plus the queue's own overhead per job (BullMQ round trip of an
 * empty job: enqueue, take, complete). Performance figures live here, never in tests.
 *
 *   npm run bench:cohort [-- N_CASES]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'platform/cli/bin/concord.mjs');
const N = Number(process.argv[2] ?? 40);
const DATA = path.join(ROOT, '.bench/cohort', String(N));
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-cohort-'));

function concord(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code, out }));
  });
}

async function timedRun(name: string, run: () => Promise<{ code: number | null; out: string }>) {
  const t0 = performance.now();
  const r = await run();
  const s = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`${name} failed (${r.code}):\n${r.out}`);
  const perMin = (N * 60) / s;
  console.log(
    `${name.padEnd(34)} ${s.toFixed(1).padStart(7)} s  ${perMin.toFixed(1).padStart(7)} cases/min`,
  );
  return perMin;
}

async function queueOverhead(url: string, jobs = 300): Promise<number> {
  const connections = [0, 1, 2].map(() => new Redis(url, { maxRetriesPerRequest: null }));
  const name = 'bench-overhead';
  const queue = new Queue(name, { connection: connections[0] });
  const events = new QueueEvents(name, { connection: connections[1] });
  await events.waitUntilReady();
  let done = 0;
  const finished = new Promise<void>((resolve) =>
    events.on('completed', () => {
      if (++done === jobs) resolve();
    }),
  );
  const worker = new Worker(name, async () => 'ok', { connection: connections[2], concurrency: 1 });
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await queue.add('noop', { i }, { removeOnComplete: true });
  await finished;
  const ms = (performance.now() - t0) / jobs;
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  for (const c of connections) c.disconnect();
  return ms;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'cases.csv'))) {
    console.log(`generating ${N} cases in ${path.relative(ROOT, DATA)} ...`);
    execFileSync(
      '/usr/bin/python3',
      [path.join(ROOT, 'scripts/bench-cohort/generate.py'), DATA, String(N)],
      { stdio: 'inherit' },
    );
  }
  execFileSync(process.execPath, [path.join(ROOT, 'platform/cli/scripts/ensure-built.mjs')], {
    stdio: 'inherit',
  });
  const cases = path.join(DATA, 'cases.csv');
  const common = ['cohort', '--cases', cases, '--no-pdf'];
  console.log(
    `cohort of ${N} cases, 181x217x181, 7 structures; ${(await import('node:os')).cpus().length} cores`,
  );
  await timedRun('1 process', () => concord([...common, '--out', path.join(tmp, 'one')]));
  await timedRun('--workers 2 (threads)', () =>
    concord([...common, '--out', path.join(tmp, 'threads'), '--workers', '2']),
  );

  const vars = Object.fromEntries(
    execFileSync('bash', [path.join(ROOT, 'scripts/redis/start.sh')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const url = vars.REDIS_URL;
  const workers: ReturnType<typeof spawn>[] = [];
  try {
    for (let i = 0; i < 2; i++)
      workers.push(spawn(process.execPath, [BIN, 'worker', '--queue', url], { stdio: 'ignore' }));
    await timedRun('--queue + 2 workers (Redis)', () =>
      concord([...common, '--out', path.join(tmp, 'queue'), '--queue', url]),
    );
    for (const w of workers) w.kill('SIGTERM');
    const ms = await queueOverhead(url);
    console.log(`queue overhead per job (empty job round trip)   ${ms.toFixed(2)} ms`);
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    execFileSync('bash', [path.join(ROOT, 'scripts/redis/stop.sh'), vars.REDIS_DIR]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
