#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (no build step). tsconfig.runtime.json maps
// @ohif/core to its UMD bundle for Node.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.runtime.json', import.meta.url)) });
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
