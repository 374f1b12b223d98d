/**
 * OHIF 3.14 runtime-plugin descriptors of plugins.json (scripts/build-ohif/descriptors.ts):
 * integrity is the SRI sha384 of the file's bytes (checked against openssl), the package name is
 * the extension's or mode's id (3.14 requires packageName === id), ESM descriptors carry no
 * globalName and UMD ones do. 3.14's loader itself is not on npm yet (docs/ohif.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTENSION_ID as INFERENCE } from '@concord/extension-onnx-inference/ids';
import { EXTENSION_ID as METRICS } from '@concord/extension-segmentation-metrics/ids';
import { EXTENSION_ID as DISAGREEMENT } from '@concord/extension-disagreement/ids';
import { EXTENSION_ID as EXPORT } from '@concord/extension-report-export/ids';
import { MODE_ID } from '@concord/mode-model-vs-annotator';
import { OHIF_EXTENSION_FILES, OHIF_MODE_FILE } from '@concord/mode-model-vs-annotator/ohif-files';
import {
  CORE_VERSION_RANGE,
  descriptorFor,
  integrityOf,
  packageNameOfFile,
  pluginsJson,
} from '../../../scripts/build-ohif/descriptors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-descriptors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslSri(file: string): string {
  const digest = execFileSync('openssl', ['dgst', '-sha384', '-binary', file]);
  return `sha384-${digest.toString('base64')}`;
}

describe('OHIF 3.14 descriptors', () => {
  it('names each plugin file by the id of the extension or mode it holds', () => {
    expect(Object.keys(OHIF_EXTENSION_FILES).sort()).toEqual(
      [INFERENCE, METRICS, DISAGREEMENT, EXPORT].sort(),
    );
    for (const [id, file] of Object.entries(OHIF_EXTENSION_FILES))
      expect(packageNameOfFile(file)).toBe(id);
    expect(packageNameOfFile(OHIF_MODE_FILE)).toBe(MODE_ID);
    expect(packageNameOfFile(OHIF_MODE_FILE.replace(/\.js$/, '.umd.js'))).toBe(MODE_ID);
  });

  it('integrity is the SRI sha384 of the bytes; a changed byte changes it', () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
    const f = path.join(dir, 'x.js');
    writeFileSync(f, bytes);
    expect(integrityOf(bytes)).toBe(opensslSri(f));
    bytes[100] ^= 1;
    expect(integrityOf(bytes)).not.toBe(opensslSri(f));
  });

  it('ESM descriptors have no globalName, UMD ones have the package name', () => {
    const esm = descriptorFor(INFERENCE, 'a.js', 'x', 'esm');
    expect(esm).toEqual({
      packageName: INFERENCE,
      importPath: 'a.js',
      coreVersionRange: CORE_VERSION_RANGE,
      integrity: integrityOf('x'),
      styles: [],
    });
    expect('globalName' in esm).toBe(false);
    expect(descriptorFor(INFERENCE, 'a.umd.js', 'x', 'umd').globalName).toBe(INFERENCE);
  });

  it('plugins.json lists the files and one descriptor per file with its own hash', () => {
    const files = [...Object.values(OHIF_EXTENSION_FILES), OHIF_MODE_FILE];
    for (const f of files) {
      writeFileSync(path.join(dir, f), `export default { id: ${JSON.stringify(f)} };\n`);
      writeFileSync(path.join(dir, f.replace(/\.js$/, '.umd.js')), `/* umd ${f} */\n`);
    }
    const p = pluginsJson(dir, {
      extensions: Object.values(OHIF_EXTENSION_FILES),
      mode: OHIF_MODE_FILE,
      umd: true,
    });
    expect(p.extensions).toEqual(Object.values(OHIF_EXTENSION_FILES));
    expect(p.modes).toEqual([OHIF_MODE_FILE]);
    expect(p.modeRoute).toBe('model-vs-annotator');
    for (const d of [...p.descriptors.esm, ...(p.descriptors.umd ?? [])])
      expect(d.integrity, d.importPath).toBe(opensslSri(path.join(dir, d.importPath)));
    expect(p.descriptors.umd?.map((d) => d.globalName)).toEqual(
      p.descriptors.esm.map((d) => d.packageName),
    );
  });
});
