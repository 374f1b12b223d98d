#!/usr/bin/env node
// Copies the onnxruntime-web runtime files the viewer's inference worker loads into a folder our
// own server serves (default platform/app/public/ort/, gitignored), so nothing comes from a CDN.
// Idempotent: files already there with the same size and mtime are left alone.
//   node scripts/copy-ort-assets.mjs [--out <dir>]
// Which files (onnxruntime-web 1.30, docs/platform-notes.md): the default import (WebGPU + WASM) loads
// ort-wasm-simd-threaded.jsep.{mjs,wasm}; `onnxruntime-web/wasm` loads ort-wasm-simd-threaded.{mjs,wasm}.
import { copyFileSync, mkdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORT_FILES = [
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ortDistDir() {
  const require = createRequire(path.join(root, 'extensions/onnx-inference/package.json'));
  // the package's exports hide package.json; resolve its node entry and walk up to dist/
  return path.dirname(require.resolve('onnxruntime-web'));
}

/** Copies the files into `outDir`; returns the names actually copied. */
export function copyOrtAssets(outDir = path.join(root, 'platform/app/public/ort')) {
  const dist = ortDistDir();
  mkdirSync(outDir, { recursive: true });
  const copied = [];
  for (const name of ORT_FILES) {
    const from = path.join(dist, name);
    const to = path.join(outDir, name);
    const src = statSync(from);
    let dst = null;
    try {
      dst = statSync(to);
    } catch {
      // not there yet
    }
    if (dst && dst.size === src.size && Math.abs(dst.mtimeMs - src.mtimeMs) < 1) continue;
    copyFileSync(from, to);
    utimesSync(to, src.atime, src.mtime);
    copied.push(name);
  }
  return copied;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? path.resolve(process.argv[i + 1]) : undefined;
  const copied = copyOrtAssets(out);
  process.stdout.write(
    `onnxruntime-web assets: ${copied.length ? `copied ${copied.join(', ')}` : 'up to date'}\n`,
  );
}
