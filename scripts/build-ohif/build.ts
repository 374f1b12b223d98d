/**
 * `npm run build:ohif`: Concord's extensions and mode as runtime plugins for a stock OHIF 3.13
 * viewer, in dist/ohif/ (docs/ohif.md):
 * - one ESM file per extension and one for the mode (names: @concord/mode-model-vs-annotator/ohif-files),
 *   shared chunks and workers beside them, every import relative (no bare specifiers);
 * - onnxruntime-web 1.30's one .wasm file (its JSEP build; the .mjs glue is in the inference
 *   worker's bundle) emitted beside the worker, which resolves it from its own URL; the shipped
 *   models in models/;
 * - plugins.json: the files to list in OHIF's app-config (3.13), the mode's route, and the
 *   OHIF 3.14 descriptors with integrity hashes (descriptors.ts).
 * `--umd` also writes the UMD files for OHIF 3.14's loader (`<name>.umd.js`, umd.ts).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { OHIF_EXTENSION_FILES, OHIF_MODE_FILE } from '@concord/mode-model-vs-annotator/ohif-files';
import { ohifCoreAlias, SOURCE_CLIENT_CONDITIONS } from '../../vitest.shared.ts';
import { pluginsJson } from './descriptors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUT = path.join(ROOT, 'dist/ohif');
const MODELS_DIR = path.join(ROOT, 'platform/inference/models');

/** Source entry of each plugin file. */
const ENTRIES: Record<string, string> = {
  [OHIF_EXTENSION_FILES['@concord/extension-onnx-inference']]:
    'extensions/onnx-inference/src/ohif/index.ts',
  [OHIF_EXTENSION_FILES['@concord/extension-segmentation-metrics']]:
    'extensions/segmentation-metrics/src/ohif/index.ts',
  [OHIF_EXTENSION_FILES['@concord/extension-disagreement']]:
    'extensions/disagreement/src/ohif/index.ts',
  [OHIF_EXTENSION_FILES['@concord/extension-report-export']]:
    'extensions/report-export/src/ohif/index.ts',
  [OHIF_MODE_FILE]: 'modes/model-vs-annotator/src/ohif/index.ts',
};

/** The shipped concord.model/v1 manifests whose .onnx is there. */
function shippedModels(): Array<{ name: string; file: string; onnx: string }> {
  const out: Array<{ name: string; file: string; onnx: string }> = [];
  for (const file of readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const m = JSON.parse(readFileSync(path.join(MODELS_DIR, file), 'utf8')) as {
      schema?: string;
      name?: string;
      version?: string;
      file?: string;
    };
    if (m.schema !== 'concord.model/v1' || !m.file || !existsSync(path.join(MODELS_DIR, m.file)))
      continue;
    out.push({ name: `${m.name ?? file} ${m.version ?? ''}`.trim(), file, onnx: m.file });
  }
  return out;
}

export async function buildOhif(options: { umd?: boolean; quiet?: boolean } = {}) {
  // Vite picks React's development JSX runtime (jsxDEV, which the production React in these
  // bundles lacks) whenever NODE_ENV is not 'production', e.g. 'test' inside vitest: a lone
  // e2e run that builds dist/ohif must get the same files as `npm run build:ohif`.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await buildOhifFiles(options);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function buildOhifFiles(options: { umd?: boolean; quiet?: boolean }) {
  const models = shippedModels();
  rmSync(OUT, { recursive: true, force: true });
  await build({
    configFile: false,
    root: ROOT,
    base: './',
    logLevel: options.quiet ? 'error' : 'info',
    resolve: {
      alias: [ohifCoreAlias],
      dedupe: ['dcmjs', 'fflate', 'react', 'react-dom'],
      conditions: SOURCE_CLIENT_CONDITIONS,
    },
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      __CONCORD_OHIF_MODELS__: JSON.stringify(models.map(({ name, file }) => ({ name, file }))),
      __CONCORD_ORT_BESIDE_WORKER__: 'true',
    },
    worker: {
      format: 'es',
      rolldownOptions: {
        output: { entryFileNames: '[name]-[hash].js', chunkFileNames: 'chunk-[name]-[hash].js' },
      },
    },
    build: {
      outDir: OUT,
      emptyOutDir: true,
      target: 'es2022',
      assetsDir: '',
      sourcemap: false,
      // CONCORD_NO_MINIFY=1 npm run build:ohif: readable function names in CPU profiles
      minify: process.env.CONCORD_NO_MINIFY ? false : undefined,
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: Object.fromEntries(
          Object.entries(ENTRIES).map(([file, src]) => [
            file.replace(/\.js$/, ''),
            path.join(ROOT, src),
          ]),
        ),
        preserveEntrySignatures: 'strict',
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunk-[name]-[hash].js',
          assetFileNames: '[name]-[hash][extname]',
        },
      },
    },
  });
  mkdirSync(path.join(OUT, 'models'), { recursive: true });
  for (const m of models) {
    copyFileSync(path.join(MODELS_DIR, m.file), path.join(OUT, 'models', m.file));
    copyFileSync(path.join(MODELS_DIR, m.onnx), path.join(OUT, 'models', m.onnx));
  }
  if (options.umd)
    await (
      await import('./umd.ts')
    ).buildUmd(OUT, ENTRIES, {
      quiet: options.quiet,
      models: models.map(({ name, file }) => ({ name, file })),
    });
  const plugins = pluginsJson(OUT, {
    extensions: Object.values(OHIF_EXTENSION_FILES),
    mode: OHIF_MODE_FILE,
    umd: !!options.umd,
  });
  writeFileSync(path.join(OUT, 'plugins.json'), JSON.stringify(plugins, null, 2) + '\n');
  checkNoBareImports(OUT);
  return plugins;
}

/** Every static or dynamic import in the ESM output is relative (a browser resolves nothing else). */
export function checkNoBareImports(dir: string) {
  const bad: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    // static imports at statement starts (minified: `import{a}from"./x.js";`) and import("…")
    const re =
      /(?:(?:^|[;}\n])\s*import\s*(?:[\w$*{}\s,]+from\s*)?|(?:^|[;}\n])\s*export\s*[\w$*{}\s,]*from\s*|\bimport\s*\(\s*)["'`]([^"'`]+)["'`]/g;
    for (const m of text.matchAll(re)) {
      if (!/^(\.\.?\/|data:|blob:|https?:)/.test(m[1])) bad.push(`${f}: ${m[1]}`);
    }
  }
  if (bad.length) throw new Error(`Bare imports in dist/ohif: ${bad.slice(0, 10).join(', ')}`);
}

if (process.argv[1] === import.meta.filename) {
  const umd = process.argv.includes('--umd');
  buildOhif({ umd, quiet: process.argv.includes('--quiet') })
    .then((p) => {
      process.stdout.write(
        `dist/ohif: ${p.extensions.length} extensions, mode ${p.modes[0]}, route /${p.modeRoute}\n`,
      );
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
