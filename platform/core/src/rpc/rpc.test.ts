import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { InvalidInputError } from '../errors/index.ts';
import { channelEndpoints, connect, expose, transfer, type CallContext } from './index.ts';
import { nodeEndpoint } from './nodeEndpoint.ts';

const api = {
  sum: (input: { values: Float32Array }) => input.values.reduce((a, b) => a + b, 0),
  double: (input: { values: Float32Array }) => {
    const out = input.values.map((v) => v * 2);
    return transfer(out, [out.buffer]);
  },
  counted: async (input: { n: number }, ctx: CallContext<number>) => {
    for (let i = 1; i <= input.n; i++) ctx.progress(i);
    return input.n;
  },
  fails: () => {
    throw new InvalidInputError('not a labelmap: 4D');
  },
  waits: (_input: null, ctx: CallContext) =>
    new Promise<string>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve('aborted')),
    ),
};
type TestApi = typeof api;

describe('worker RPC', () => {
  it('returns results, moves transferred buffers and reports progress', async () => {
    const [a, b] = channelEndpoints();
    expose(api, b);
    const remote = connect<TestApi>(a);
    const values = new Float32Array([1, 2, 3]);
    expect(await remote.call('sum', { values })).toBe(6);
    const input = new Float32Array([1, 2]);
    const doubled = await remote.call('double', { values: input }, { transfer: [input.buffer] });
    expect(input.byteLength).toBe(0); // moved, not copied
    expect([...doubled]).toEqual([2, 4]);
    const seen: number[] = [];
    expect(await remote.call('counted', { n: 3 }, { onProgress: (p) => seen.push(p) })).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    remote.close();
  });

  it('revives Concord errors with their class and code', async () => {
    const [a, b] = channelEndpoints();
    expose(api, b);
    const remote = connect<TestApi>(a);
    const err = await remote.call('fails', undefined as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).code).toBe('INVALID_INPUT');
    expect((err as Error).message).toBe('not a labelmap: 4D');
    remote.close();
  });

  it('cancels: the caller rejects with AbortError and the worker sees its signal abort', async () => {
    const [a, b] = channelEndpoints();
    let workerSaw = '';
    expose(
      {
        waits: (_i: null, ctx: CallContext) =>
          new Promise<void>((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              workerSaw = 'aborted';
              resolve();
            }),
          ),
      },
      b,
    );
    const remote = connect<{ waits: TestApi['waits'] }>(a);
    const ac = new AbortController();
    const call = remote.call('waits', null, { signal: ac.signal });
    ac.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 20));
    expect(workerSaw).toBe('aborted');
    remote.close();
  });

  it('rejects pending calls when a worker thread dies', async () => {
    const worker = new Worker('process.exit(7)', { eval: true });
    const remote = connect<TestApi>(nodeEndpoint(worker));
    await expect(remote.call('sum', { values: new Float32Array(1) })).rejects.toThrow(
      /exited with code 7/,
    );
    remote.close();
  });
});
