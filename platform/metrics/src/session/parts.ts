/**
 * Big arrays sent to a worker one per main-thread task (docs/architecture.md#workers). The
 * viewer keeps its labelmaps, image and probabilities, so they are cloned, not transferred: one
 * structured clone of all of them at once blocked the main thread for > 100 ms, one clone per
 * task stays well under it. The caller `stage`s each array under a token, then makes the call
 * that uses them; the worker's PartStore hands them out for that token only.
 */
import type { Api, CallContext, Remote, TypedArray } from '@concord/core';
import { nextTask } from '@concord/core';

/** One array a worker call needs (image voxels, labels, a class's probabilities). */
export type PartData = TypedArray;

export interface StageInput {
  /** The call the array belongs to (a later token drops the arrays of earlier ones). */
  token: number;
  name: string;
  data: PartData;
}

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
  for (const [name, data] of parts) {
    await nextTask();
    check(options.signal);
    const t0 = performance.now();
    const ack = (remote as unknown as Remote<StagingApi>).call('stage', { token, name, data });
    if (options.measure) performance.measure(options.measure, { start: t0 });
    // a failure shows in the call that uses the parts; never an unhandled rejection here
    ack.catch(() => undefined);
  }
  await nextTask();
  check(options.signal);
}

/** The worker side: the arrays staged for the latest token. */
export class PartStore {
  private token = -1;
  private parts = new Map<string, PartData>();

  stage({ token, name, data }: StageInput): void {
    if (token !== this.token) {
      this.token = token;
      this.parts = new Map();
    }
    this.parts.set(name, data);
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
