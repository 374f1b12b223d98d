// Ambient types of an untyped import, referenced where used so that every package compiling
// this file (each has its own tsconfig) sees them.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./assets.d.ts" />
/**
 * The fallback font files in the browser (the Export worker): the bundler copies them as assets
 * and they are fetched only when a report needs them.
 */
import dejavuSans from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import unifont from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import type { FallbackFontName } from './fonts.ts';

const URLS: Record<FallbackFontName, string> = { 'dejavu-sans': dejavuSans, unifont };

export async function loadFontFile(name: FallbackFontName): Promise<Uint8Array> {
  const response = await fetch(URLS[name]);
  if (!response.ok) throw new Error(`font ${name}: HTTP ${response.status} for ${URLS[name]}`);
  return new Uint8Array(await response.arrayBuffer());
}
