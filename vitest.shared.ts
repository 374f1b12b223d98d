import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defaultClientConditions, defaultServerConditions } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @ohif/core ships only a UMD bundle; its package.json `module` field points at missing sources. */
export const ohifCoreAlias = {
  find: /^@ohif\/core$/,
  replacement: path.join(root, 'node_modules/@ohif/core/dist/ohif-core.umd.js'),
};

/**
 * Workspace packages resolve to their TypeScript sources through the `source` export condition
 * (their `default` is the built dist/ that npm consumers get).
 */
export const SOURCE_CLIENT_CONDITIONS = ['source', ...defaultClientConditions];
export const SOURCE_SERVER_CONDITIONS = ['source', ...defaultServerConditions];
