#!/usr/bin/env node
/**
 * Builds the JavaScript of the published packages (docs/cli.md): every module of
 * platform/{core,metrics,inference,reports,cli}/src (tests left out) becomes one ESM file under
 * <package>/dist with the same layout, imports of `./x.ts` rewritten to `./x.js`, JSON inlined,
 * packages left as imports. One module per file keeps the commands' dynamic imports lazy: the
 * CLI's start-up loads only what the command it runs needs.
 *
 *   node platform/cli/scripts/build.mjs          JavaScript only (what `concord` runs)
 *   node platform/cli/scripts/build.mjs --types  the JavaScript when stale, then the .d.ts files
 *                                                (tsc, for npm pack)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
import { PACKAGES } from './packages.mjs';

// TypeScript modules and generated JavaScript ones (schema validators); not tests, not .d.ts,
// not the .mjs shims that load TypeScript sources through tsx
const isModule = (f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.ts$/.test(f);

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(f));
    else if (isModule(e.name)) out.push(f);
  }
  return out;
}

/** Keeps every import an import: relative ones re-pointed at the built .js, packages as they are. */
const perFile = {
  name: 'concord-per-file',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.endsWith('.json')) return undefined; // inlined
      if (args.path.startsWith('.')) {
        return { path: args.path.replace(/\.(ts|tsx|mts)$/, '.js'), external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

async function buildPackage(name) {
  const pkg = path.join(ROOT, 'platform', name);
  const tmp = path.join(pkg, `dist.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: sources(path.join(pkg, 'src')),
    outbase: path.join(pkg, 'src'),
    outdir: tmp,
    bundle: true,
    plugins: [perFile],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.js' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  writeFileSync(path.join(tmp, '.build-stamp'), `${new Date().toISOString()}\n`);
  // swap in whole: a concurrent `concord` sees the old or the new tree, never half of one
  const dist = path.join(pkg, 'dist');
  const old = path.join(pkg, `dist.old-${process.pid}`);
  try {
    renameSync(dist, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
}

/** Copies the .d.ts files of `from` into `to`, relative `./x.ts` imports made `./x.js`. */
function copyDeclarations(from, to) {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) copyDeclarations(src, dst);
    else if (e.name.endsWith('.d.ts')) {
      mkdirSync(to, { recursive: true });
      const text = readFileSync(src, 'utf8').replace(
        /((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]*)\.ts(['"])/g,
        '$1.js$2',
      );
      writeFileSync(dst, text);
    }
  }
}

/** The .d.ts files of every package: one tsc program over their sources (tsconfig.build.json). */
function buildDeclarations() {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  for (const name of PACKAGES) {
    const pkg = path.join(ROOT, 'platform', name);
    // hand-written declarations (generated validators, module shims) next to the sources
    copyDeclarations(path.join(pkg, 'src'), path.join(pkg, 'dist'));
    copyDeclarations(
      path.join(ROOT, 'node_modules/.cache/concord-types', name, 'src'),
      path.join(pkg, 'dist'),
    );
  }
}

export async function buildAll({ types = false } = {}) {
  for (const name of PACKAGES) await buildPackage(name);
  if (types) buildDeclarations();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--types')) {
    // JavaScript only when stale (under the lock that concurrent `concord` runs share), then the
    // declarations next to it: a fresh dist/ is never swapped under a running CLI
    const { ensureBuilt } = await import('./ensure-built.mjs');
    await ensureBuilt();
    buildDeclarations();
  } else {
    await buildAll();
  }
}
