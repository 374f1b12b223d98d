/**
 * Debian's redis-server for an integration test, through scripts/redis/start.sh (loopback, a
 * free port, append-only persistence) and scripts/redis/stop.sh (by its own PID).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const START = path.join(ROOT, 'scripts/redis/start.sh');
const STOP = path.join(ROOT, 'scripts/redis/stop.sh');

export interface RunningRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** stops it and starts it again on the same port and data (jobs survive) */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function start(args: string[] = []): Promise<Record<string, string>> {
  const { stdout } = await run('bash', [START, ...args], { timeout: 30_000 });
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
}

export async function startRedis(): Promise<RunningRedis> {
  const vars = await start();
  const url = vars.REDIS_URL;
  const dir = vars.REDIS_DIR;
  if (!url || !dir) throw new Error('scripts/redis/start.sh printed no URL');
  const port = new URL(url).port;
  return {
    url,
    restart: async () => {
      await run('bash', [STOP, dir, '--keep'], { timeout: 30_000 });
      await start([port, dir]);
    },
    stop: async () => {
      await run('bash', [STOP, dir], { timeout: 30_000 });
    },
  };
}
