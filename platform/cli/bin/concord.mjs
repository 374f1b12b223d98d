#!/usr/bin/env node
// The `concord` command: runs the built JavaScript in dist/. In a checkout (src/ next to dist/)
// it first rebuilds the workspace packages when their sources changed (scripts/ensure-built.mjs).
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // the version is package.json's: no need to load (or rebuild) the CLI to print it
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  if (existsSync(new URL('../src/', import.meta.url))) {
    const { ensureBuilt } = await import('../scripts/ensure-built.mjs');
    await ensureBuilt();
  }
  const { main } = await import('../dist/main.js');
  process.exitCode = await main(process.argv);
}
