/**
 * Report text in any script. pdf-lib's standard Helvetica only encodes WinAnsi (Windows-1252),
 * while structure names, patient names and file paths come from DICOM and manifests in any
 * Unicode. Text is drawn in runs: WinAnsi characters in Helvetica (no font embedded, as before),
 * the rest in embedded, subset fallback fonts loaded only when a report needs them — DejaVu Sans
 * (Latin, Greek, Cyrillic, symbols), then GNU Unifont (UnifontEX: the whole Basic Multilingual
 * Plane, CJK included). A character no font has is transliterated as `toWinAnsi` does.
 */
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { unzlibSync } from 'fflate';

/** fontkit (about 0.7 MB of code) is loaded only for a report that needs a fallback font. */
const loadFontkit = () => import('@pdf-lib/fontkit').then((m) => m.default);
import { loadFontFile } from '#font-files';
import { stripControlChars } from '../text/sanitize.ts';
import { isWinAnsi, toWinAnsi } from '../text/winAnsi.ts';

/** The fallback fonts, in the order they are tried. */
export const FALLBACK_FONTS = ['dejavu-sans', 'unifont'] as const;
export type FallbackFontName = (typeof FALLBACK_FONTS)[number];

interface Fallback {
  font: PDFFont;
  has: (codePoint: number) => boolean;
}

/**
 * A WOFF 1.0 font as the TrueType/OpenType file it wraps. fontkit reads WOFF, but inflates a
 * table again on every access, which makes laying out text in a large font take seconds.
 */
export async function woffToSfnt(woff: Uint8Array): Promise<Uint8Array> {
  const v = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  const numTables = v.getUint16(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const o = 44 + 20 * i;
    return {
      tag: v.getUint32(o),
      offset: v.getUint32(o + 4),
      compLength: v.getUint32(o + 8),
      origLength: v.getUint32(o + 12),
      checksum: v.getUint32(o + 16),
    };
  });
  const padded = (n: number) => (n + 3) & ~3;
  const size = tables.reduce((n, t) => n + padded(t.origLength), 12 + 16 * numTables);
  const out = new Uint8Array(size);
  const ov = new DataView(out.buffer);
  let log2 = 0;
  while (1 << (log2 + 1) <= numTables) log2++;
  ov.setUint32(0, v.getUint32(4)); // sfnt version (flavor)
  ov.setUint16(4, numTables);
  ov.setUint16(6, 16 << log2); // searchRange
  ov.setUint16(8, log2); // entrySelector
  ov.setUint16(10, 16 * numTables - (16 << log2)); // rangeShift
  let offset = 12 + 16 * numTables;
  for (const [i, t] of tables.entries()) {
    const src = woff.subarray(t.offset, t.offset + t.compLength);
    out.set(t.compLength < t.origLength ? unzlibSync(src) : src, offset);
    const d = 12 + 16 * i;
    ov.setUint32(d, t.tag);
    ov.setUint32(d + 4, t.checksum);
    ov.setUint32(d + 8, offset);
    ov.setUint32(d + 12, t.origLength);
    offset += padded(t.origLength);
  }
  return out;
}

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'

interface LoadedFont {
  bytes: Uint8Array;
  /** Parsed once, to ask which characters the font has. */
  has: (codePoint: number) => boolean;
}

/** Font files, WOFF unwrapped and parsed; read once per worker or process. */
const loaded = new Map<FallbackFontName, Promise<LoadedFont>>();
function loadFont(name: FallbackFontName): Promise<LoadedFont> {
  let font = loaded.get(name);
  if (!font) {
    font = loadFontFile(name).then(async (file) => {
      const woff = new DataView(file.buffer, file.byteOffset, 4).getUint32(0) === WOFF_SIGNATURE;
      const bytes = woff ? await woffToSfnt(file) : file;
      const parsed = (await loadFontkit()).create(bytes);
      return { bytes, has: (cp: number) => parsed.hasGlyphForCodePoint(cp) };
    });
    font.catch(() => loaded.delete(name));
    loaded.set(name, font);
  }
  return font;
}

/** One line of text as it is drawn: line breaks and tabs become spaces, controls are removed. */
export function cleanText(text: string): string {
  return stripControlChars(text.replace(/[\t\n\r]/g, ' '));
}

/** A font for drawing and measuring any text: Helvetica (or its bold) plus the fallbacks. */
export class MixedFont {
  constructor(
    readonly primary: PDFFont,
    private readonly fallbacks: readonly Fallback[],
  ) {}

  /** Splits `text` (cleaned) into runs that one font draws. */
  runs(text: string): Array<{ font: PDFFont; text: string }> {
    const out: Array<{ font: PDFFont; text: string }> = [];
    for (const ch of cleanText(text)) {
      let font = this.primary;
      let s = ch;
      if (!isWinAnsi(ch)) {
        const cp = ch.codePointAt(0)!;
        const fallback = this.fallbacks.find((f) => f.has(cp));
        if (fallback) font = fallback.font;
        else s = toWinAnsi(ch);
      }
      const last = out[out.length - 1];
      if (last?.font === font) last.text += s;
      else out.push({ font, text: s });
    }
    return out;
  }

  widthOfTextAtSize(text: string, size: number): number {
    return this.runs(text).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
  }

  drawText(
    page: PDFPage,
    text: string,
    options: { x: number; y: number; size: number; color: Color },
  ): void {
    let x = options.x;
    for (const r of this.runs(text)) {
      page.drawText(r.text, { ...options, x, font: r.font });
      x += r.font.widthOfTextAtSize(r.text, options.size);
    }
  }
}

/**
 * Embeds the fallback fonts that the characters of `texts` need (none for WinAnsi text) and
 * returns the regular and bold fonts drawing with them.
 */
export async function reportFonts(
  doc: PDFDocument,
  regular: PDFFont,
  bold: PDFFont,
  texts: readonly string[],
): Promise<{ font: MixedFont; bold: MixedFont }> {
  let missing = new Set<number>();
  for (const t of texts) {
    for (const ch of cleanText(t)) if (!isWinAnsi(ch)) missing.add(ch.codePointAt(0)!);
  }
  const fallbacks: Fallback[] = [];
  if (missing.size > 0) doc.registerFontkit(await loadFontkit());
  for (const name of FALLBACK_FONTS) {
    if (missing.size === 0) break;
    const { bytes, has } = await loadFont(name);
    // check coverage before embedding: an embedded font is written even when unused
    if (![...missing].some(has)) continue;
    const font = await doc.embedFont(bytes, { subset: true });
    fallbacks.push({ font, has });
    missing = new Set([...missing].filter((cp) => !has(cp)));
  }
  return { font: new MixedFont(regular, fallbacks), bold: new MixedFont(bold, fallbacks) };
}
