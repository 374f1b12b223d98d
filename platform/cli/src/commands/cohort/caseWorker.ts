/**
 * Worker-thread body of `concord cohort --workers N`: runs cases, served with the core worker
 * RPC (docs/architecture.md). Each case's files are written by the worker itself.
 */
import { parentPort } from 'node:worker_threads';
import { expose } from '@concord/core/rpc';
import { nodeEndpoint } from '@concord/core/rpc/node';
import type { CaseSpec } from './casesFile.ts';
import { runCase, type CaseRecord, type CaseRunOptions } from './runCase.ts';

const api = {
  run(job: { spec: CaseSpec; options: CaseRunOptions; key: string }): Promise<CaseRecord> {
    return runCase(job.spec, job.options, job.key);
  },
};

export type CaseWorkerApi = typeof api;

expose(api, nodeEndpoint(parentPort!));
