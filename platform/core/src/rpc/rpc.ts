import { abortError, reviveError, serializeError } from './errors.ts';
import {
  isTransfer,
  type Api,
  type CallOptions,
  type Endpoint,
  type Remote,
  type RpcRequest,
  type RpcResponse,
  type Transferable,
} from './types.ts';

const isRequest = (d: unknown): d is RpcRequest =>
  typeof d === 'object' &&
  d !== null &&
  ((d as RpcRequest).rpc === 'call' || (d as RpcRequest).rpc === 'cancel');
const isResponse = (d: unknown): d is RpcResponse =>
  typeof d === 'object' &&
  d !== null &&
  ['result', 'error', 'progress'].includes((d as RpcResponse).rpc as string);

/**
 * Serves `api` on `endpoint` (in a worker: `expose(api, self)`). Calls run concurrently; each
 * gets its own AbortSignal. Returns a function that stops serving.
 */
export function expose<A extends Api>(api: A, endpoint: Endpoint): () => void {
  const running = new Map<number, AbortController>();
  const post = (msg: RpcResponse, transfer: Transferable[] = []) =>
    endpoint.postMessage(msg, transfer);
  const onMessage = (event: { data: unknown }) => {
    const msg = event.data;
    if (!isRequest(msg)) return;
    if (msg.rpc === 'cancel') {
      running.get(msg.id)?.abort();
      return;
    }
    const { id, method, input } = msg;
    const fn = Object.prototype.hasOwnProperty.call(api, method) ? api[method] : undefined;
    if (!fn) {
      post({ rpc: 'error', id, error: { name: 'Error', message: `No worker method "${method}"` } });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const ctx = {
      signal: controller.signal,
      progress: (value: unknown) => {
        if (!controller.signal.aborted) post({ rpc: 'progress', id, value });
      },
    };
    Promise.resolve()
      .then(() => fn(input, ctx))
      .then(
        (out) => {
          if (controller.signal.aborted) return;
          if (isTransfer(out)) post({ rpc: 'result', id, value: out.value }, out.transfer);
          else post({ rpc: 'result', id, value: out });
        },
        (err) => {
          if (controller.signal.aborted) return;
          post({ rpc: 'error', id, error: serializeError(err) });
        },
      )
      .finally(() => running.delete(id));
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: (v: unknown) => void;
  cleanup(): void;
}

/**
 * Calls the API exposed on `endpoint`. A worker that fails (uncaught error, module that does
 * not load) rejects every pending call with its message; `close()` terminates a Worker.
 */
export function connect<A extends Api>(endpoint: Endpoint): Remote<A> {
  let seq = 0;
  let closed = false;
  const pending = new Map<number, Pending>();

  const settleAll = (error: Error) => {
    for (const p of [...pending.values()]) {
      p.cleanup();
      p.reject(error);
    }
    pending.clear();
  };
  const onMessage = (event: { data: unknown }) => {
    const msg = event.data;
    if (!isResponse(msg)) return;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.rpc === 'progress') {
      p.onProgress?.(msg.value);
      return;
    }
    pending.delete(msg.id);
    p.cleanup();
    if (msg.rpc === 'result') p.resolve(msg.value);
    else p.reject(reviveError(msg.error));
  };
  const onError = (event: { message?: string }) => {
    settleAll(new Error(`Worker failed: ${event.message ?? 'unknown error'}`));
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.addEventListener('error', onError);

  return {
    call(method, input, options: CallOptions<never> = {}) {
      if (closed) return Promise.reject(new Error('RPC connection is closed'));
      const { signal, transfer, onProgress } = options as CallOptions<unknown>;
      if (signal?.aborted) return Promise.reject(abortError(signal.reason));
      const id = ++seq;
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          if (!pending.delete(id)) return;
          endpoint.postMessage({ rpc: 'cancel', id } satisfies RpcRequest, []);
          reject(abortError(signal?.reason));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve: resolve as (v: unknown) => void,
          reject,
          onProgress,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        });
        endpoint.postMessage(
          { rpc: 'call', id, method, input } satisfies RpcRequest,
          transfer ?? [],
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      endpoint.removeEventListener('message', onMessage);
      endpoint.removeEventListener('error', onError);
      endpoint.terminate?.();
      settleAll(abortError('Worker closed'));
    },
  };
}
