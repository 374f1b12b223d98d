/**
 * plugins.json of dist/ohif/ (docs/ohif.md): what to list in an OHIF 3.13 app-config (file
 * names, relative to where dist/ohif/ is served) and the OHIF 3.14 runtime-plugin descriptors
 * `{packageName, importPath, globalName?, coreVersionRange, integrity, styles}`, with Subresource
 * Integrity hashes (sha384) of the very files written. 3.14's loader returns the module's
 * default export for ESM (no globalName) and `window[globalName]` for UMD.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** OHIF versions whose loader Concord's plugins are built for. */
export const CORE_VERSION_RANGE = '>=3.13.0 <4';

export interface RuntimeDescriptor {
  packageName: string;
  importPath: string;
  globalName?: string;
  coreVersionRange: string;
  integrity: string;
  styles: string[];
}

export interface PluginsJson {
  extensions: string[];
  modes: string[];
  modeRoute: string;
  /** OHIF 3.14 descriptors (importPath relative to dist/ohif/: prefix it with the served path). */
  descriptors: { esm: RuntimeDescriptor[]; umd?: RuntimeDescriptor[] };
}

/** Subresource Integrity value of some bytes (sha384, as browsers check it). */
export function integrityOf(bytes: Uint8Array | string): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** One 3.14 descriptor for a built file. */
export function descriptorFor(
  packageName: string,
  importPath: string,
  bytes: Uint8Array | string,
  format: 'esm' | 'umd',
): RuntimeDescriptor {
  return {
    packageName,
    importPath,
    ...(format === 'umd' ? { globalName: packageName } : {}),
    coreVersionRange: CORE_VERSION_RANGE,
    integrity: integrityOf(bytes),
    styles: [],
  };
}

/** The package name (= extension or mode id) whose plugin a file is, from `<scope-less name>.js`. */
export function packageNameOfFile(file: string): string {
  return `@concord/${path
    .basename(file)
    .replace(/\.(umd\.)?js$/, '')
    .replace(/^concord-/, '')}`;
}

export function pluginsJson(
  dir: string,
  o: { extensions: string[]; mode: string; umd: boolean; modeRoute?: string },
): PluginsJson {
  const files = [...o.extensions, o.mode];
  const esm = files.map((f) =>
    descriptorFor(packageNameOfFile(f), f, readFileSync(path.join(dir, f)), 'esm'),
  );
  const out: PluginsJson = {
    extensions: o.extensions,
    modes: [o.mode],
    modeRoute: o.modeRoute ?? 'model-vs-annotator',
    descriptors: { esm },
  };
  if (o.umd) {
    out.descriptors.umd = files
      .map((f) => f.replace(/\.js$/, '.umd.js'))
      .filter((f) => existsSync(path.join(dir, f)))
      .map((f) => descriptorFor(packageNameOfFile(f), f, readFileSync(path.join(dir, f)), 'umd'));
  }
  return out;
}
