import { describe, expect, it } from 'vitest';
import { channelEndpoints, connect, expose } from '@concord/core';
import { PartStore, PIECE_BYTES, stageParts, type StageInput, type StagingApi } from './parts.ts';

/** A worker-side store behind the real RPC over a MessageChannel (structured clone included). */
function storeBehindRpc() {
  const store = new PartStore();
  const calls: StageInput[] = [];
  const [a, b] = channelEndpoints();
  const api = {
    stage(input: StageInput) {
      calls.push(input);
      store.stage(input);
    },
  } satisfies StagingApi;
  expose(api, b);
  return { store, calls, remote: connect<typeof api>(a) };
}

describe('stageParts', () => {
  it('sends big arrays in pieces the store puts back together, small ones whole', async () => {
    const { store, calls, remote } = storeBehindRpc();
    const n = Math.ceil((2.5 * PIECE_BYTES) / 4); // three pieces of float32
    const big = new Float32Array(n).map((_, i) => i * 0.5);
    const small = new Uint8Array([1, 2, 3]);
    await stageParts(remote, 7, [
      ['p1', big],
      ['labels', small],
    ]);
    // the last ack arrives after the staging loop: one more round trip
    await remote.call('stage', { token: 7, name: 'done', data: new Uint8Array(0) });
    const pieces = calls.filter((c) => c.name === 'p1');
    expect(pieces.length).toBe(3);
    expect(pieces.every((c) => c.data.byteLength <= PIECE_BYTES)).toBe(true);
    // the viewer keeps its array: pieces are copies, not the array's own buffer
    expect(big.length).toBe(n);
    const parts = store.take(7);
    const got = parts.get('p1') as Float32Array;
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(n);
    // compared by hand: the matcher's deep equality takes seconds on a million elements
    expect(got.findIndex((v, i) => v !== big[i])).toBe(-1);
    expect(parts.get('labels')).toEqual(small);
    remote.close();
  });

  it('drops the pieces of an earlier token', () => {
    const store = new PartStore();
    store.stage({ token: 1, name: 'a', data: new Int16Array([1, 2]), offset: 0, length: 4 });
    store.stage({ token: 2, name: 'a', data: new Int16Array([5, 6]), offset: 2, length: 4 });
    expect([...(store.take(2).get('a') as Int16Array)]).toEqual([0, 0, 5, 6]);
    expect(store.take(1).size).toBe(0);
  });
});
