/**
 * UMD files for OHIF 3.14's runtime-plugin loader (`npm run build:ohif -- --umd`, docs/ohif.md):
 * one file per extension and for the mode, `<name>.umd.js` next to the ESM files (the
 * workers, ONNX Runtime and the models they resolve from their own URL are shared), exposing the
 * plugin as `window[<package name>]`, and taking React from the globals 3.14 shares (keyed by
 * full package name: `window['react']`, `window['react-dom']`, `window['react/jsx-runtime']`).
 * Concord reaches @ohif/core and Cornerstone only through the services OHIF hands it, so it
 * imports neither. Workers and ORT's files stay ESM next to them (module workers).
 */
import path from 'node:path';
import { build } from 'vite';
import { ohifCoreAlias, SOURCE_CLIENT_CONDITIONS } from '../../vitest.shared.ts';
import { packageNameOfFile } from './descriptors.ts';

/** Packages OHIF 3.14 shares on window, as the UMD files expect them. */
export const SHARED_GLOBALS: Record<string, string> = {
  react: 'react',
  'react-dom': 'react-dom',
  // React 18's react-dom also exports createRoot; 3.14 shares no separate react-dom/client
  'react-dom/client': 'react-dom',
  'react/jsx-runtime': 'react/jsx-runtime',
};

export async function buildUmd(
  outDir: string,
  entries: Record<string, string>,
  o: { quiet?: boolean; root?: string; models?: Array<{ name: string; file: string }> } = {},
) {
  const root = o.root ?? path.resolve(import.meta.dirname, '../..');
  for (const [file, src] of Object.entries(entries)) {
    const globalName = packageNameOfFile(file);
    await build({
      configFile: false,
      root,
      base: './',
      logLevel: o.quiet ? 'error' : 'info',
      resolve: {
        alias: [ohifCoreAlias],
        dedupe: ['dcmjs', 'fflate'],
        conditions: SOURCE_CLIENT_CONDITIONS,
      },
      define: {
        'process.env.NODE_ENV': JSON.stringify('production'),
        __CONCORD_ORT_BESIDE_WORKER__: 'true',
        __CONCORD_OHIF_EXTENSIONS_BY_ID__: 'true',
        __CONCORD_OHIF_MODELS__: JSON.stringify(o.models ?? []),
        // UMD has no import.meta: the script's own URL, taken while it runs (see `intro`)
        'import.meta.url': '__concordScriptUrl',
      },
      worker: {
        format: 'es',
        // the `define` above reaches the workers too, which stay ES modules: give them the
        // name, as their own URL (= their import.meta.url), or they throw on load
        rolldownOptions: { output: { intro: 'var __concordScriptUrl = self.location.href;' } },
      },
      build: {
        outDir,
        emptyOutDir: false,
        target: 'es2022',
        assetsDir: '',
        sourcemap: false,
        copyPublicDir: false,
        reportCompressedSize: false,
        modulePreload: false,
        // not library mode: that would inline every asset (ONNX Runtime's 28 MB wasm) as base64;
        // one file per plugin (UMD cannot split), workers and assets beside it
        rolldownOptions: {
          input: path.join(root, src),
          external: Object.keys(SHARED_GLOBALS),
          preserveEntrySignatures: 'strict',
          output: {
            format: 'umd',
            name: globalName,
            entryFileNames: file.replace(/\.js$/, '.umd.js'),
            chunkFileNames: 'chunk-[name]-[hash].js',
            assetFileNames: '[name]-[hash][extname]',
            globals: SHARED_GLOBALS,
            exports: 'default',
            intro: `var __concordScriptUrl = (typeof document !== 'undefined' && document.currentScript && document.currentScript.src) || (typeof location !== 'undefined' ? location.href : '');`,
          },
        },
      },
    });
  }
}
