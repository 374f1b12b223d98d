export {
  buildDicomJsonManifest,
  buildDicomJsonManifestFromFiles,
  loadDicomJsonSeries,
  manifestSeries,
  type DicomJsonIndex,
  type DicomJsonInstance,
  type DicomJsonManifest,
  type DicomJsonOptions,
  type DicomJsonSeries,
  type DicomJsonStudy,
} from './dicomjson.ts';
export {
  DicomWebError,
  DicomWebSource,
  jsonValue,
  type DicomWebSeries,
  type DicomWebSourceOptions,
  type DicomWebStudy,
} from './dicomweb.ts';
export { loadDroppedFiles, type DroppedFiles } from './local.ts';
