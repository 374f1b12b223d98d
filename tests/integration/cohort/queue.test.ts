/**
 * `concord cohort --queue` with `concord worker` on a real redis-server (docs/cohort.md#distributed-runs):
 * two workers, one SIGKILLed while it runs a case, Redis restarted mid-run; the final
 * cohort.json is identical to the single-process run's. Also the clear message when Redis is down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortReport } from '@concord/metrics/cohort';
import { CONCORD_BIN, runConcord } from '../../helpers/concord.ts';
import { startRedis, type RunningRedis } from '../../helpers/redis.ts';

const F = path.resolve('tests/fixtures/cohort');
const tmp = mkdtempSync(path.join(tmpdir(), 'concord-queue-'));
let redis: RunningRedis | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** 8 cases: the fixture's five, repeated under other ids (same files). */
function casesFile(): string {
  const rows = ['case_id,reference,prediction_a,prediction_b,site'];
  for (let i = 0; i < 8; i++) {
    const c = `case0${(i % 5) + 1}`;
    rows.push(
      `q${String(i).padStart(2, '0')},${c}-reference.nii.gz,${c}-prediction-a.nii.gz,${c}-prediction-b.nii.gz,${i % 2 ? 'A' : 'B'}`,
    );
  }
  const out = path.join(tmp, 'cases.csv');
  // paths are relative to the CSV: point them at the fixture folder
  writeFileSync(
    out,
    rows
      .map((r, i) => (i === 0 ? r : r.replace(/(case0\d-[a-z-]+\.nii\.gz)/g, path.join(F, '$1'))))
      .join('\n') + '\n',
  );
  return out;
}

interface Proc {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [CONCORD_BIN, ...args], { stdio: 'pipe' });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, out: () => out, exit: new Promise((r) => child.on('close', r)) };
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('concord cohort --queue (BullMQ on redis-server)', () => {
  it('2 workers, one SIGKILLed mid-case, Redis restarted: same cohort.json as one process', async () => {
    const cases = casesFile();
    const common = ['--cases', cases, '--bootstrap', '500', '--seed', '3', '--no-pdf'];
    const single = runConcord(['cohort', ...common, '--out', path.join(tmp, 'single')]);

    const producer = start([
      'cohort',
      ...common,
      '--out',
      path.join(tmp, 'queued'),
      '--queue',
      redis!.url,
    ]);
    await until('the cases to be queued', () => producer.out().includes('cases queued'));
    const workerArgs = ['worker', '--queue', redis!.url, '--lock-duration', '1500'];
    const w1 = start(workerArgs);
    await until('worker 1 to start a case', () => /start q\d\d/.test(w1.out()));
    w1.child.kill('SIGKILL');
    const killedCase = /start (q\d\d)/.exec(w1.out())![1];
    await redis!.restart();
    const w2 = start(workerArgs);
    const code = await producer.exit;
    w2.child.kill('SIGTERM');
    await w2.exit;

    expect(code).toBe(0);
    expect(producer.out()).toMatch(/8 cases: 8 ok, 0 failed \(8 run/);
    // the case worker 1 was running when it was killed was run (again) by worker 2
    if (!w1.out().includes(`done ${killedCase}`)) expect(w2.out()).toContain(`start ${killedCase}`);
    const s = await single;
    expect(s.code).toBe(0);
    const a = readFileSync(path.join(tmp, 'single', 'cohort.json'), 'utf8');
    const b = readFileSync(path.join(tmp, 'queued', 'cohort.json'), 'utf8');
    expect(b).toBe(a);
    expect((JSON.parse(b) as CohortReport).summary.ok).toBe(8);

    const status = await runConcord(['cohort', '--status', '--queue', redis!.url]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/0 waiting, 0 active, 0 delayed, \d+ completed, 0 failed/);
  });

  it('says clearly when Redis is down (exit 1, one line)', async () => {
    const r = await runConcord(['cohort', '--status', '--queue', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^concord: QueueUnavailable: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
