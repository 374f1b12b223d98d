export * from './style.ts';
export * from './classify.ts';
export * from './sliceProfile.ts';
export * from './confusion.ts';
export * from './volumetricBias.ts';
export * from './overlay.ts';
