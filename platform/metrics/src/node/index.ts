/** Node-only entry (`@concord/extension-segmentation-metrics/node`): multi-threaded engine. */
export { computeMetricsParallel, type ParallelOptions } from './parallel.ts';
