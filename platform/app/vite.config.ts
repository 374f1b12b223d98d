import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ohifCoreAlias, SOURCE_CLIENT_CONDITIONS } from '../../vitest.shared.ts';
import { SECURITY_HEADERS } from '@concord/core/security';

const appRoot = path.dirname(fileURLToPath(import.meta.url));

// JSX is compiled by Vite's built-in transform (no React Fast Refresh): Fast Refresh needs an
// inline preamble script, which our Content-Security-Policy forbids even in development.
export default defineConfig({
  root: appRoot,
  publicDir: path.join(appRoot, 'public'),
  // Cornerstone's metadata/utils packages nest their own dcmjs 0.52.0; one copy (0.52.2, the
  // one @concord/core's SEG codec uses) instead of three in the bundle.
  // workspace packages from their TypeScript sources (the `source` export condition)
  resolve: {
    alias: [ohifCoreAlias],
    dedupe: ['dcmjs', 'fflate'],
    conditions: SOURCE_CLIENT_CONDITIONS,
  },
  // In development the data, models, app config and DICOMweb proxy come from a running
  // `concord serve` (npm start), default http://127.0.0.1:8080: same origin for the page.
  server: {
    host: '127.0.0.1',
    headers: SECURITY_HEADERS,
    proxy: Object.fromEntries(
      ['/app-config.json', '/data', '/models', '/dicomweb'].map((p) => [
        p,
        { target: process.env.CONCORD_SERVE_URL ?? 'http://127.0.0.1:8080', changeOrigin: true },
      ]),
    ),
  },
  preview: { host: '127.0.0.1', headers: SECURITY_HEADERS },
  worker: { format: 'es' },
  // docs/platform-notes.md: the CommonJS codecs and dicom-parser must be pre-bundled in dev or the decode
  // worker dies silently; dicom-image-loader itself must not be excluded.
  optimizeDeps: {
    include: [
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
      'dicom-parser',
    ],
  },
  build: {
    outDir: path.join(appRoot, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // CONCORD_NO_MINIFY=1 npm run build: readable function names in CPU profiles
    minify: process.env.CONCORD_NO_MINIFY ? false : undefined,
  },
});
