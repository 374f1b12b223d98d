import type { PDFFont } from 'pdf-lib';
import { toWinAnsi } from '../text/winAnsi.ts';

/** Shortens `text` (already WinAnsi) with an ellipsis so it fits `maxWidth` points. */
export function fitText(text: string, font: PDFFont, size: number, maxWidth: number): string {
  const safe = toWinAnsi(text);
  if (font.widthOfTextAtSize(safe, size) <= maxWidth) return safe;
  let lo = 0;
  let hi = safe.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (font.widthOfTextAtSize(safe.slice(0, mid) + '…', size) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return safe.slice(0, lo) + '…';
}

/** Greedy word wrap of WinAnsi-safe text into lines no wider than `maxWidth`. */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of toWinAnsi(text).split(/ +/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= maxWidth || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => fitText(l, font, size, maxWidth));
}
