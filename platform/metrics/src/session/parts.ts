/**
 * Big arrays sent to a worker in pieces, one piece per main-thread task
 * (docs/architecture.md#workers). The viewer keeps its labelmaps, image and probabilities, so
 * they are copied, not transferred: one structured clone of a class's float probabilities
 * (28 MB on the sample) took 40-60 ms, and 2-3 times that on a busy 2-core machine. A piece of
 * at most PIECE_BYTES is copied and transferred in a few milliseconds. The caller `stage`s each
 * array under a token, then makes the call that uses them; the worker's PartStore puts the
 * pieces together and hands the arrays out for that token only.
 */
import type { Api, CallContext, Remote, TypedArray } from '@concord/core';
import { nextTask } from '@concord/core';

/** One array a worker call needs (image voxels, labels, a class's probabilities). */
export type PartData = TypedArray;

export interface StageInput {
  /** The call the array belongs to (a later token drops the arrays of earlier ones). */
  token: number;
  name: string;
  /** The whole array, or the piece of it that starts at element `offset`. */
  data: PartData;
  /** For a piece: where it starts in the array, and the array's length in elements. */
  offset?: number;
  length?: number;
}

/** The largest piece of an array copied to a worker in one main-thread task. */
export const PIECE_BYTES = 2 * 1024 * 1024;

/** The worker method that receives one array; the API of such a worker has it as `stage`. */
export interface StagingApi extends Api {
  stage(input: StageInput, ctx: CallContext): void;
}

/** Rejects with an AbortError when `signal` has fired. */
function check(signal: AbortSignal | undefined) {
  if (signal?.aborted) {
    const e = new Error('Cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

/**
 * Stages `parts` on the worker, each in its own task (the first one too: callers run inside
 * the task that showed a labelmap). `measure` names the user timing of each post, so the
 * e2e long-task checks can find this work. Stops with an AbortError once `signal` fires.
 */
export async function stageParts<A extends StagingApi>(
  remote: Remote<A>,
  token: number,
  parts: Array<[string, PartData]>,
  options: { signal?: AbortSignal; measure?: string } = {},
): Promise<void> {
  const staging = remote as unknown as Remote<StagingApi>;
  for (const [name, data] of parts) {
    // arrays in shared memory travel without a copy, as do small ones: in one go
    const whole = data.buffer instanceof ArrayBuffer === false || data.byteLength <= PIECE_BYTES;
    const step = whole
      ? data.length
      : Math.max(1, Math.floor(PIECE_BYTES / data.BYTES_PER_ELEMENT));
    for (let offset = 0; offset < data.length || offset === 0; offset += step) {
      await nextTask();
      check(options.signal);
      const t0 = performance.now();
      let ack: Promise<void>;
      if (whole) ack = staging.call('stage', { token, name, data });
      else {
        const piece = data.slice(offset, offset + step);
        ack = staging.call(
          'stage',
          { token, name, data: piece, offset, length: data.length },
          { transfer: [piece.buffer as ArrayBuffer] },
        );
      }
      if (options.measure) performance.measure(options.measure, { start: t0 });
      // a failure shows in the call that uses the parts; never an unhandled rejection here
      ack.catch(() => undefined);
      if (whole) break;
    }
  }
  await nextTask();
  check(options.signal);
}

/** The worker side: the arrays staged for the latest token. */
export class PartStore {
  private token = -1;
  private parts = new Map<string, PartData>();

  stage({ token, name, data, offset, length }: StageInput): void {
    if (token !== this.token) {
      this.token = token;
      this.parts = new Map();
    }
    if (offset === undefined || length === undefined) {
      this.parts.set(name, data);
      return;
    }
    let whole = this.parts.get(name);
    if (!whole || whole.length !== length || whole.constructor !== data.constructor) {
      const Ctor = data.constructor as new (n: number) => PartData;
      whole = new Ctor(length);
      this.parts.set(name, whole);
    }
    whole.set(data as never, offset);
  }

  /** Takes the arrays staged for `token` (and forgets them). */
  take(token: number): Map<string, PartData> {
    const out = token === this.token ? this.parts : new Map<string, PartData>();
    this.token = -1;
    this.parts = new Map();
    return out;
  }
}

/** Placeholder for an array that travels as a staged part. */
export const EMPTY = new Uint8Array(0);
