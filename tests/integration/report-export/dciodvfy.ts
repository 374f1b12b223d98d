import { spawnSync } from 'node:child_process';

/** dciodvfy's findings (it prints to stderr); the IOD name line is informational. */
export function dciodvfy(file: string): { errors: string[]; warnings: string[]; output: string } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  const lines = output.split('\n');
  return {
    errors: lines.filter((l) => /^Error/.test(l)),
    warnings: lines.filter((l) => /^Warning/.test(l)),
    output,
  };
}
