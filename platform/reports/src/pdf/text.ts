import { cleanText } from './fonts.ts';

/** What the text helpers need of a font (a `MixedFont` or a pdf-lib font). */
export interface MeasuringFont {
  widthOfTextAtSize(text: string, size: number): number;
}

/** `text` on one line, shortened with an ellipsis so that it fits `maxWidth` points. */
export function fitText(text: string, font: MeasuringFont, size: number, maxWidth: number): string {
  const safe = cleanText(text);
  if (font.widthOfTextAtSize(safe, size) <= maxWidth) return safe;
  // cut between code points, never inside a surrogate pair
  const chars = Array.from(safe);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (font.widthOfTextAtSize(chars.slice(0, mid).join('') + '…', size) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('') + '…';
}

/** Greedy word wrap into lines no wider than `maxWidth`. */
export function wrapText(
  text: string,
  font: MeasuringFont,
  size: number,
  maxWidth: number,
): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of cleanText(text).split(/ +/)) {
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
