/**
 * pdf-lib's standard fonts encode text as WinAnsi (Windows-1252) and throw on anything else.
 * Report text comes from DICOM and manifests (untrusted, any Unicode), so it is mapped to
 * WinAnsi first: known symbols are transliterated, accents dropped by NFKD decomposition,
 * control characters removed and whatever is left becomes '?'.
 */

/** The Windows-1252 characters in 0x80..0x9F (the rest of the set is Latin-1 0x20..0xFF). */
const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

const TRANSLITERATE: Record<string, string> = {
  τ: 'tau',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
  Δ: 'delta ',
  δ: 'delta',
  μ: 'µ',
  '≤': '<=',
  '≥': '>=',
  '≠': '!=',
  '≈': '~',
  '∂': 'd',
  '→': '->',
  '←': '<-',
  '·': '·',
  '−': '-',
  '∑': 'sum ',
  '\u2009': ' ',
  '\u202f': ' ',
};

export function isWinAnsi(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || CP1252_EXTRA.includes(ch);
}

/** Text safe for pdf-lib's standard fonts; tabs and line breaks become spaces (one-line cells). */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    if (isWinAnsi(ch)) {
      out += ch;
      continue;
    }
    if (ch === '\n' || ch === '\r' || ch === '\t') {
      out += ' ';
      continue;
    }
    const t = TRANSLITERATE[ch];
    if (t !== undefined) {
      out += t;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue; // control characters
    // é -> e + combining accent: keep the base letter when it is encodable
    const base = [...ch.normalize('NFKD')].filter(isWinAnsi).join('');
    out += base.length > 0 ? base : '?';
  }
  return out;
}
