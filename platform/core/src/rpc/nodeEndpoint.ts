/**
 * Adapts a Node worker_threads Worker (caller side) or `parentPort` (worker side) to the RPC's
 * Endpoint: Node delivers the data itself to 'message' listeners, and reports failures on
 * 'error' and 'exit' instead of an error event.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Endpoint, Transferable } from './types.ts';

type Listener = (event: { data?: unknown; message?: string }) => void;

export function nodeEndpoint(port: Worker | MessagePort): Endpoint {
  const wrapped = new Map<Listener, Array<[string, (...a: unknown[]) => void]>>();
  const isWorker = 'terminate' in port;
  const add = (type: 'message' | 'error', listener: Listener) => {
    const handlers: Array<[string, (...a: unknown[]) => void]> = [];
    if (type === 'message') handlers.push(['message', (data) => listener({ data })]);
    else {
      handlers.push([
        'error',
        (err) => listener({ message: (err as Error)?.message ?? String(err) }),
      ]);
      if (isWorker)
        handlers.push([
          'exit',
          (code) => {
            if (code !== 0) listener({ message: `worker thread exited with code ${code}` });
          },
        ]);
    }
    for (const [ev, h] of handlers) port.on(ev as 'message', h);
    wrapped.set(listener, [...(wrapped.get(listener) ?? []), ...handlers]);
  };
  const remove = (_type: string, listener: Listener) => {
    for (const [ev, h] of wrapped.get(listener) ?? []) port.off(ev as 'message', h);
    wrapped.delete(listener);
  };
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) =>
      port.postMessage(message, transfer as ArrayBuffer[] | undefined),
    addEventListener: add as Endpoint['addEventListener'],
    removeEventListener: remove as Endpoint['removeEventListener'],
    terminate: isWorker ? () => void (port as Worker).terminate() : undefined,
  };
}
