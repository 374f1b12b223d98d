/// <reference lib="webworker" />
/** The Export panel's worker: serves the export API over the core RPC. */
import { expose, type Endpoint } from '@concord/core';
import { createExportApi } from './exportApi.ts';

expose(createExportApi(), self as unknown as Endpoint);
