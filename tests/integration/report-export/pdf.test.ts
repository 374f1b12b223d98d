/**
 * The PDF report through Debian poppler-utils: `pdftotext` must find the table values and
 * `pdftoppm` must show the overlay colours on the slice page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DISAGREEMENT_COLORS, DisagreementClass, type Rgb } from '@concord/metrics';
import { computeDisagreement } from '@concord/metrics';
import {
  axialDisagreementProfile,
  decodePng,
  formatMl,
  formatMm,
  formatRatio,
  sliceDisagreementClasses,
  writeReportPdf,
  type RasterImage,
} from '@concord/reports';
import { SYNTHETIC_LABELS, syntheticCase, syntheticReport } from '@concord/reports/testing';

const ALPHA = 0.55; // overlay opacity the PDF writer uses on its slice images

/**
 * Pixels that are `color` blended at ALPHA over a grey level: solving each channel for the grey
 * gives three estimates that agree. Solid legend swatches do not match (their "grey" differs
 * per channel), so only the slice images count.
 */
function countBlended(img: RasterImage, color: Rgb, tolerance = 6): number {
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const o = p * img.channels;
    const g = [0, 1, 2].map((c) => (img.data[o + c] - ALPHA * color[c]) / (1 - ALPHA));
    if (Math.min(...g) < -tolerance || Math.max(...g) > 255 + tolerance) continue;
    if (Math.max(...g) - Math.min(...g) <= tolerance) n++;
  }
  return n;
}

describe('PDF report (poppler-utils)', () => {
  const c = syntheticCase();
  const report = syntheticReport(c);
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-pdf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'report.pdf');

  beforeAll(async () => {
    const products = computeDisagreement(c.reference, c.prediction);
    // τ = 2 mm: with 1.2 mm voxels the model's shift leaves FP voxels both within and beyond τ
    const pdf = await writeReportPdf(
      {
        report,
        volumes: c,
        sliceProfile: axialDisagreementProfile(products, c.grid.dims[2]),
        classifySlice: (k) => sliceDisagreementClasses(products, c.grid.dims, k, 2),
      },
      { tauMm: 2 },
    );
    writeFileSync(file, pdf);
  });

  it('pdftotext finds the case, the model and every table value', () => {
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Concord evaluation report');
    expect(text).toContain(report.case.studyInstanceUID!);
    expect(text).toContain('tiny-unet 1.0.0');
    expect(text).toContain('onnxruntime-node (cpu)');
    expect(text).toContain('6-connected');
    for (const s of report.structures) {
      const line = text.split('\n').find((l) => l.includes(s.name) && l.includes(s.status));
      expect(line, `table row of ${s.name}`).toBeDefined();
      for (const v of [
        formatRatio(s.dice),
        formatRatio(s.jaccard),
        formatMm(s.hd95),
        formatMm(s.assd),
        formatMl(s.volumeRefMl),
        formatMl(s.volumePredMl),
      ]) {
        expect(line).toContain(v);
      }
    }
    expect(text).toContain('Volumetric bias');
    expect(text).toContain('Slices with the most disagreement');
  });

  it('names in any script appear verbatim; fonts are embedded only when needed, as subsets', async () => {
    const r = structuredClone(report);
    r.structures[0].name = 'Hippocampus – gauche ½ 海马';
    r.structures[1].name = 'Łódź Ωmega ≤ миндалина';
    const pdf = await writeReportPdf(
      { report: r },
      { includePhi: true, patient: { name: '山田^太郎', id: 'ID-Ж' } },
    );
    const unicodeFile = path.join(dir, 'unicode.pdf');
    writeFileSync(unicodeFile, pdf);
    const text = execFileSync('pdftotext', ['-layout', unicodeFile, '-'], { encoding: 'utf8' });
    for (const s of r.structures) {
      const line = text.split('\n').find((l) => l.includes(s.name) && l.includes(s.status));
      expect(line, `table row of ${s.name}`).toBeDefined();
    }
    expect(text).toContain('山田^太郎');
    expect(text).toContain('ID-Ж');
    expect(text).not.toContain('?');
    const fonts = execFileSync('pdffonts', [unicodeFile], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans/);
    expect(fonts).toMatch(/Unifont/i);
    // subset: a few kB of glyphs, not the 0.7 MB and 3 MB font files
    expect(pdf.length).toBeLessThan(60_000);
    // a WinAnsi-only report embeds no font at all
    const plain = structuredClone(report);
    plain.structures.forEach((s, i) => (s.name = `Structure ${i + 1}`));
    const plainFile = path.join(dir, 'plain.pdf');
    writeFileSync(plainFile, await writeReportPdf({ report: plain }));
    const plainFonts = execFileSync('pdffonts', [plainFile], { encoding: 'utf8' });
    expect(plainFonts).not.toMatch(/DejaVu|Unifont/i);
  });

  it('pdftoppm shows the reference, model and disagreement overlay colours', () => {
    const pages = execFileSync('pdfinfo', [file], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)!;
    const last = pages[1];
    execFileSync('pdftoppm', [
      '-r',
      '72',
      '-f',
      last,
      '-l',
      last,
      '-png',
      file,
      path.join(dir, 'page'),
    ]);
    const png = readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
    const img = decodePng(new Uint8Array(readFileSync(path.join(dir, png))));
    const expectations: Array<[string, Rgb]> = [
      ['reference/model structure 1', SYNTHETIC_LABELS[0].color],
      ['reference/model structure 2', SYNTHETIC_LABELS[1].color],
      ['agreement', DISAGREEMENT_COLORS[DisagreementClass.TruePositive]],
      ['FP boundary', DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveBoundary]],
      ['FP gross', DISAGREEMENT_COLORS[DisagreementClass.FalsePositiveGross]],
      ['FN boundary', DISAGREEMENT_COLORS[DisagreementClass.FalseNegativeBoundary]],
    ];
    for (const [name, color] of expectations) {
      expect(countBlended(img, color), name).toBeGreaterThan(20);
    }
    // a colour that is not drawn anywhere does not match (the classifier is not trivially true)
    expect(countBlended(img, [255, 0, 255])).toBeLessThan(5);
  });
});
