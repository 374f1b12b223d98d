/** Starts `concord serve` as a child process on a free port and stops it again. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

export async function startConcordServer(extraArgs: string[] = []): Promise<RunningServer> {
  const bin = path.resolve('platform/cli/bin/concord.mjs');
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`concord serve did not start:\n${output}`)),
      60_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/Concord viewer at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`concord serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
