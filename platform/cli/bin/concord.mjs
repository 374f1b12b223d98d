#!/usr/bin/env node
// The `concord` command: runs the built JavaScript in dist/. In a checkout (src/ next to dist/)
// it first rebuilds the workspace packages when their sources changed (scripts/ensure-built.mjs).
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/ensure-built.mjs');
  await ensureBuilt();
}
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv);
