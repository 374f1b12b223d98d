/**
 * @concord/core — DOM-free foundations shared by the viewer, the extensions and the CLI.
 * The OHIF facade is a separate entry (`@concord/core/ohif`) because it needs DOM globals.
 */
export * from './errors/index.ts';
export * from './geometry/index.ts';
export * from './nifti/index.ts';
export * from './codecs/index.ts';
export * from './dicom/index.ts';
export * from './seg/index.ts';
export * from './rtstruct/index.ts';
export * from './datasources/index.ts';
export * from './host/index.ts';
export * from './rpc/index.ts';
export * from './math/index.ts';
export * from './viewer/index.ts';
export { nextTask } from './tasks/nextTask.ts';
