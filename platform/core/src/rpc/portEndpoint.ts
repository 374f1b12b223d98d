/**
 * A MessagePort (browser or Node, from `new MessageChannel()`) as an RPC endpoint: the same
 * structured clone and transfers a Worker uses, without a worker. Serves an API in-process (a
 * worker's API object on the other port) — how tests run worker code for real.
 */
import type { Endpoint } from './types.ts';

/** A port of the global MessageChannel, as far as an endpoint uses it. */
export type MessagePortLike = InstanceType<typeof MessageChannel>['port1'];

export function portEndpoint(port: MessagePortLike): Endpoint {
  port.start();
  return {
    postMessage: (message, transfer) =>
      port.postMessage(message, (transfer ?? []) as ArrayBuffer[]),
    addEventListener: (type: string, listener: (event: { data: unknown }) => void) => {
      if (type === 'message') port.addEventListener('message', listener as never);
    },
    removeEventListener: (type: string, listener: (event: { data: unknown }) => void) => {
      if (type === 'message') port.removeEventListener('message', listener as never);
    },
    terminate: () => port.close(),
  } as Endpoint;
}

/** Two connected endpoints: `expose` an API on one, `connect` to it through the other. */
export function channelEndpoints(): [Endpoint, Endpoint] {
  const { port1, port2 } = new MessageChannel();
  return [portEndpoint(port1), portEndpoint(port2)];
}
