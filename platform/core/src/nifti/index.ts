export { readNifti, readNiftiLabels, readNiftiFrames, isGzip } from './read.ts';
export {
  writeNifti,
  writeNiftiFrames,
  NIFTI_INTENT,
  type WriteNiftiOptions,
  type WriteNiftiFramesOptions,
} from './write.ts';
export { parseNiftiHeader, type NiftiHeader } from './header.ts';
export { niftiRasAffine, rasAffineToGrid, gridToRasAffine, type Mat34 } from './affine.ts';
