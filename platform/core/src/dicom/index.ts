export {
  parseDicomFile,
  jsonAttributes,
  readMetadata,
  frameGeometry,
  tagString,
  DICOM_TAGS,
  type DicomFileInput,
  type DicomInstanceMetadata,
  type FrameGeometry,
  type ParsedDicom,
  type ParseDicomOptions,
  type AttributeSource,
  type DicomJsonObject,
} from './parse.ts';
export { sortSlices, sliceNormal, slicePosition, type SliceGeometry } from './sliceOrder.ts';
export { frameBytes, decodeDicomFrame, readDicomFrames } from './pixels.ts';
export {
  readDicomSeries,
  assembleDicomSeries,
  fileInstanceSource,
  groupDicomFilesBySeries,
  SERIES_TOLERANCE,
  type DicomSeriesResult,
  type ReadDicomSeriesOptions,
  type DicomSeriesGroup,
  type DicomSlice,
  type SeriesInstanceSource,
} from './series.ts';
export {
  writePart10,
  readPart10,
  setDicomLibraryLogging,
  dicomDateTime,
  type NaturalDataset,
  EXPLICIT_VR_LITTLE_ENDIAN,
  CONCORD_IMPLEMENTATION_CLASS_UID,
} from './dcmjs.ts';
export {
  isDicomPart10,
  isDicomBytes,
  bareDatasetTransferSyntax,
  asPart10,
  dicomSopClassUID,
} from './sniff.ts';
