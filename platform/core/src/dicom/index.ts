export {
  parseDicomFile,
  tagString,
  DICOM_TAGS,
  type DicomFileInput,
  type DicomInstanceMetadata,
  type FrameGeometry,
  type ParsedDicom,
} from './parse.ts';
export { frameBytes, decodeDicomFrame, readDicomFrames } from './pixels.ts';
export {
  readDicomSeries,
  groupDicomFilesBySeries,
  SERIES_TOLERANCE,
  type DicomSeriesResult,
  type DicomSeriesGroup,
  type DicomSlice,
} from './series.ts';
