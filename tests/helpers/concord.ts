/** Spawns the real `concord` CLI (platform/cli/bin/concord.mjs) and collects its output. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const CONCORD_BIN = path.resolve('platform/cli/bin/concord.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runConcord(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONCORD_BIN, ...args], { stdio: 'pipe', env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
