import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @ohif/core ships only a UMD bundle; its package.json `module` field points at missing sources. */
export const ohifCoreAlias = {
  find: /^@ohif\/core$/,
  replacement: path.join(root, 'node_modules/@ohif/core/dist/ohif-core.umd.js'),
};
