/** Node-only entry (`@concord/metrics/node`): multi-threaded engine. */
export { computeMetricsParallel, type ParallelOptions } from './parallel.ts';
