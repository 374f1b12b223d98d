/** The fallback font files, read from their npm packages (Node: the CLI and tests). */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FallbackFontName } from './fonts.ts';

const require = createRequire(import.meta.url);

const FILES: Record<FallbackFontName, string> = {
  'dejavu-sans': 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  unifont: '@fontsource/unifontex/files/unifontex-latin-400-normal.woff',
};

export async function loadFontFile(name: FallbackFontName): Promise<Uint8Array> {
  return new Uint8Array(await readFile(require.resolve(FILES[name])));
}
