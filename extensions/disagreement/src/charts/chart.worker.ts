/// <reference lib="webworker" />
/** The panels' chart worker: Observable Plot against linkedom's DOM, served over the core RPC. */
import { parseHTML } from 'linkedom/worker';
import { expose, type Endpoint } from '@concord/core';
import { createChartApi } from './chartApi.ts';

const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
expose(createChartApi(document as unknown as Document), self as unknown as Endpoint);
