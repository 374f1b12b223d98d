export * from './types.ts';
export * from './transforms.ts';
export * from './grid.ts';
export * from './layers.ts';
