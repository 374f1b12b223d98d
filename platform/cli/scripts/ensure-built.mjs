/**
 * In a checkout, `concord` runs the built JavaScript of the workspace packages: this (re)builds
 * it when a package's dist is missing or older than its sources, once, under a lock shared by
 * concurrent `concord` processes. Costs a few milliseconds of `stat` when nothing changed.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGES } from './packages.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOCK = path.join(ROOT, 'platform/cli/.build-lock');

function mtime(f) {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

function newest(dir) {
  let t = mtime(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.endsWith('.test.ts')) continue; // tests are not built
    const f = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(f) : mtime(f));
  }
  return t;
}

/** True when some package's dist is missing or older than its sources, manifest or the build script. */
export function isStale() {
  const script = Math.max(
    mtime(fileURLToPath(import.meta.url)),
    mtime(path.join(ROOT, 'platform/cli/scripts/build.mjs')),
    mtime(path.join(ROOT, 'platform/cli/scripts/packages.mjs')),
  );
  return PACKAGES.some((name) => {
    const pkg = path.join(ROOT, 'platform', name);
    const built = mtime(path.join(pkg, 'dist/.build-stamp'));
    return (
      built < 0 ||
      built < Math.max(script, mtime(path.join(pkg, 'package.json')), newest(path.join(pkg, 'src')))
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A lock whose process is gone (killed mid-build) or that is older than 2 minutes is left over. */
function isLeftOver() {
  try {
    process.kill(Number(readFileSync(path.join(LOCK, 'pid'), 'utf8')), 0);
  } catch (e) {
    if (e.code !== 'EPERM') return true;
  }
  return Date.now() - mtime(LOCK) > 120_000;
}

export async function ensureBuilt() {
  if (!isStale()) return;
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      // another process builds: wait for it, then use its build
      if (waited > 1000 && isLeftOver()) rmSync(LOCK, { recursive: true, force: true });
      await sleep(100);
      if (!isStale()) return;
    }
  }
  try {
    if (isStale()) {
      const { buildAll } = await import('./build.mjs');
      await buildAll();
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureBuilt();
}
