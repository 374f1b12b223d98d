/**
 * @concord/core/node — Node-only helpers: file-system readers and the worker_threads adapter of
 * the worker RPC. Everything else in core runs in browsers and workers too.
 */
export { nodeEndpoint } from '../rpc/nodeEndpoint.ts';
export {
  isDicomPart10,
  readFileBytes,
  readLabelFile,
  readSeriesFolder,
  type LabelFile,
  type LabelFileKind,
  type ReadLabelFileOptions,
  type ReadSeriesFolderOptions,
} from './files.ts';
