export { readDicomSeg, type DicomSegResult, type ReadDicomSegOptions } from './read.ts';
export { readLabelmapSeg } from './readLabelmap.ts';
export { writeDicomSeg, type WriteDicomSegOptions } from './write.ts';
export { rgbToDicomLab, dicomLabToRgb } from '../dicom/dcmjs.ts';
export { dsString, newUid } from './ds.ts';
export {
  DEFAULT_CATEGORY,
  DEFAULT_TYPE,
  SEG_SOP_CLASS_UID,
  LABELMAP_SEG_SOP_CLASS_UID,
  type CodedConcept,
  type SegmentAlgorithmType,
  type SegmentDefinition,
  type SegmentInfo,
} from './types.ts';
