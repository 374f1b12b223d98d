export * from './types.ts';
export * from './overlaySources.ts';
