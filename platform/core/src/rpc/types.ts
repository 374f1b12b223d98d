/**
 * The one worker RPC of Concord (docs/architecture.md#workers): a worker `expose`s an API
 * object, the caller `connect`s to it and calls its methods by name. Used by every browser
 * Web Worker and by the Node worker-thread pool. DOM-free: an endpoint is anything that posts
 * messages and delivers them to listeners (a Worker, `self` in a worker, a MessagePort, or a
 * Node worker_threads Worker/parentPort through `nodeEndpoint` in `@concord/core/node`).
 */

/** What may be moved (not copied) to the other side. */
export type Transferable = ArrayBuffer | { readonly __transferable?: never; close(): void };

export interface Endpoint {
  /** `transfer` is always given (maybe empty), so that a DOM Worker or worker scope fits as is. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Worker failures (uncaught error, failed module load) reach the caller through this. */
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  removeEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  terminate?(): void;
}

/** What an exposed method gets besides its input. */
export interface CallContext<P = never> {
  /** Aborted when the caller's AbortSignal fires. */
  signal: AbortSignal;
  /** Sends a progress value to the caller's `onProgress`. */
  progress(value: P): void;
}

/** An exposed method: one input (use an object for several values), a result, optional progress. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Method<I = any, O = any, P = any> = (input: I, ctx: CallContext<P>) => O | Promise<O>;

export type Api = Record<string, Method>;

export type InputOf<M> = M extends (input: infer I, ctx: CallContext<infer _P>) => unknown
  ? I
  : never;
export type OutputOf<M> = M extends (...args: never[]) => infer O
  ? Awaited<O> extends Transfer<infer V>
    ? V
    : Awaited<O>
  : never;
export type ProgressOf<M> = M extends (input: never, ctx: CallContext<infer P>) => unknown
  ? P
  : never;

export interface CallOptions<P = never> {
  /** Buffers of the input to move instead of copy (the caller loses them). */
  transfer?: Transferable[];
  /** Aborting rejects the call with an AbortError at once and aborts `ctx.signal` in the worker. */
  signal?: AbortSignal;
  onProgress?: (value: P) => void;
}

/** A connection to an exposed API. */
export interface Remote<A extends Api> {
  call<K extends keyof A & string>(
    method: K,
    input: InputOf<A[K]>,
    options?: CallOptions<ProgressOf<A[K]>>,
  ): Promise<OutputOf<A[K]>>;
  /** Rejects every pending call and stops listening (and terminates a Worker endpoint). */
  close(): void;
}

/** A result with buffers to move back to the caller (see `transfer`). */
export interface Transfer<V> {
  readonly __rpcTransfer: true;
  value: V;
  transfer: Transferable[];
}

/** Wraps a method's result so that `transfer` is moved, not copied, to the caller. */
export function transfer<V>(value: V, list: Transferable[]): Transfer<V> {
  return { __rpcTransfer: true, value, transfer: list };
}

export function isTransfer(v: unknown): v is Transfer<unknown> {
  return typeof v === 'object' && v !== null && (v as Transfer<unknown>).__rpcTransfer === true;
}

/** Wire messages. */
export type RpcRequest =
  { rpc: 'call'; id: number; method: string; input: unknown } | { rpc: 'cancel'; id: number };

export type RpcResponse =
  | { rpc: 'result'; id: number; value: unknown }
  | { rpc: 'error'; id: number; error: SerializedError }
  | { rpc: 'progress'; id: number; value: unknown };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}
