import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { toWinAnsi } from './winAnsi.ts';

describe('toWinAnsi', () => {
  it('keeps Latin-1 and Windows-1252 text, transliterates symbols and drops controls', () => {
    expect(toWinAnsi('Müller, José – “ok” €')).toBe('Müller, José – “ok” €');
    expect(toWinAnsi('d ≤ τ')).toBe('d <= tau');
    expect(toWinAnsi('a\u0000b\u001bc\nd')).toBe('abc d');
    expect(toWinAnsi('Łódź 海马 🧠')).toBe('Lódz ?? ?');
  });

  it('produces text pdf-lib standard fonts can encode', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const nasty = 'Ω≈ç√∫˜µ≤≥÷ 田中 \u202e\ud83d\ude00 ﷽ \u0301';
    expect(() => font.encodeText(nasty)).toThrow();
    expect(() => font.encodeText(toWinAnsi(nasty))).not.toThrow();
  });
});
