export * from './types.ts';
export { expose, connect } from './rpc.ts';
export {
  serializeError,
  reviveError,
  registerRpcError,
  abortError,
  isAbortError,
} from './errors.ts';
export { portEndpoint, channelEndpoints, type MessagePortLike } from './portEndpoint.ts';
