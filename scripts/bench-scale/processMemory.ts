/**
 * Peak memory of the browser the bench started, from Linux's own accounting: every process
 * descended from this Node process whose command is Chromium, with its `VmHWM` (the highest
 * resident set size it reached) from /proc/<pid>/status. The page's renderer holds its main
 * thread and all its Web Workers (label files, analysis, inference, charts), so its VmHWM is the
 * peak of the page; the GPU process holds the textures.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessPeak {
  pid: number;
  /** Chromium's `--type=` (renderer, gpu-process, utility, …); "browser" for the main process */
  type: string;
  peakMiB: number;
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // the process has gone
  }
};

/** The Chromium processes under `rootPid` (default: this process) and their peak RSS. */
export function chromiumPeaks(rootPid = process.pid): ProcessPeak[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++)
      if (p === rootPid) return true;
    return false;
  };
  const peaks: ProcessPeak[] = [];
  for (const pid of parent.keys()) {
    if (!descends(pid)) continue;
    // Chromium's child processes rewrite their title: one space-separated string
    const cmdline = read(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ') ?? '';
    if (!/^\S*chrom/i.test(cmdline)) continue;
    const hwm = read(`/proc/${pid}/status`)?.match(/^VmHWM:\s+(\d+) kB/m);
    if (!hwm) continue;
    const type = cmdline.match(/--type=(\S+)/)?.[1] ?? 'browser';
    peaks.push({ pid, type, peakMiB: Number(hwm[1]) / 1024 });
  }
  return peaks.sort((a, b) => b.peakMiB - a.peakMiB);
}
