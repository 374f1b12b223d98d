/**
 * The evaluation session's analysis worker (a browser module worker): serves the analysis API
 * over the core RPC.
 */
import { expose, type Endpoint } from '@concord/core';
import { createAnalysisApi } from './analysisApi.ts';

/** The worker's global scope, as an RPC endpoint (this package has no DOM types). */
declare const self: Endpoint;

expose(createAnalysisApi(), self);
