export * from './types.ts';
export * from './validate.ts';
export * from './expects.ts';
