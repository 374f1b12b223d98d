import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SOURCE_CLIENT_CONDITIONS } from '../../../vitest.shared.ts';

const root = path.dirname(fileURLToPath(import.meta.url));

// Builds the harness page + the real inference worker; the test sets the output folder.
export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  resolve: { conditions: SOURCE_CLIENT_CONDITIONS },
  worker: { format: 'es' },
  build: {
    outDir: process.env.HARNESS_OUT_DIR ?? path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 100_000,
  },
});
