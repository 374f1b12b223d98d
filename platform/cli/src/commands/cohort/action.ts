/** `concord cohort` option handling (docs/cli.md): local run, queue run or queue status. */
import { CommanderError } from 'commander';
import type { MatchOption } from '../../options.ts';
import { reportOutcome, runCohort, type CohortOptions } from './cohort.ts';

export interface CohortCliOptions {
  cases?: string;
  out?: string;
  model?: string[];
  workers: number;
  queue?: string;
  status?: boolean;
  tolerance: number[];
  bootstrap: number;
  seed: number;
  groupBy?: string;
  match: MatchOption;
  pdf: boolean;
}

function usage(message: string): never {
  process.stderr.write(`concord: ${message}\n`);
  throw new CommanderError(2, 'concord.usage', message);
}

/** Runs `concord cohort`; returns the exit code (0 all ok, 1 some cases failed). */
export async function cohortAction(opts: CohortCliOptions): Promise<number> {
  if (opts.queue && !/^rediss?:\/\/[^/]+/.test(opts.queue))
    usage(`--queue ${opts.queue}: expected redis://host:port`);
  if (opts.status) {
    if (!opts.queue) usage('--status needs --queue redis://host:port');
    const { printQueueStatus } = await import('./queue.ts');
    await printQueueStatus(opts.queue);
    return 0;
  }
  if (!opts.cases) usage("required option '--cases <csv>' not specified");
  if (!opts.out) usage("required option '--out <dir>' not specified");
  if (opts.queue && opts.workers > 1)
    usage('--workers is for local runs; with --queue start `concord worker` processes instead');
  const o: CohortOptions = { ...opts, cases: opts.cases, out: opts.out };
  if (opts.queue) {
    const { runCohortOnQueue } = await import('./queue.ts');
    return reportOutcome(await runCohortOnQueue(o, opts.queue), opts.out);
  }
  return reportOutcome(await runCohort(o), opts.out);
}
