/**
 * The analysis worker in a browser: a module worker built from `analysis.worker.ts` (the
 * bundler follows the `new URL(…, import.meta.url)`). A browser Worker is an RPC endpoint.
 */
import type { Endpoint } from '@concord/core';

/** The browser's Worker constructor (this package has no DOM types). */
declare const Worker: new (url: URL, options: { type: 'module'; name: string }) => Endpoint;

export function createAnalysisWorker(): Endpoint {
  return new Worker(new URL('./analysis.worker.ts', import.meta.url), {
    type: 'module',
    name: 'concord-analysis',
  });
}
