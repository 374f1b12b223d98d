/** @concord/cli — the `concord` command; also importable for tests. */
export { main, buildProgram, EXIT } from './main.ts';
export { serve } from './commands/serve.ts';
export { createStaticServer, listen, safeJoin } from './server/staticServer.ts';
export { proxyHandler, parseDicomwebUrl } from './server/dicomwebProxy.ts';
