export * from './types.ts';
export { createSharedResults } from './sharedResults.ts';
export * from './overlaySources.ts';
