import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { computeDisagreement } from '@concord/metrics';
import { axialDisagreementProfile, sliceDisagreementClasses } from '../raster/sliceClasses.ts';
import { syntheticCase, syntheticReport } from '../testing/syntheticCase.ts';
import { writeReportPdf } from './writeReportPdf.ts';

describe('writeReportPdf', () => {
  const c = syntheticCase();
  const report = syntheticReport(c);
  const products = computeDisagreement(c.reference, c.prediction);

  it('writes a PDF with the summary pages and a slice page', async () => {
    const pdf = await writeReportPdf({
      report,
      volumes: c,
      sliceProfile: axialDisagreementProfile(products, c.grid.dims[2]),
      classifySlice: (k) => sliceDisagreementClasses(products, c.grid.dims, k, 1),
    });
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(2);
    expect(doc.getTitle()).toBe('Concord evaluation report');
  });

  it('survives any Unicode in DICOM-derived strings', async () => {
    const r = structuredClone(report);
    r.structures[0].name = '海马 🧠 \u202e evil \u0000';
    r.prediction.source = 'Ω≈ç√ path/ with\nnewline';
    const pdf = await writeReportPdf(
      { report: r },
      { includePhi: true, patient: { name: '山田^太郎', id: '\u0007x' } },
    );
    expect(pdf.length).toBeGreaterThan(1000);
  });

  it('has the calibration and surrogate-loss section when the report has probabilities', async () => {
    expect(report.calibration).toBeDefined();
    const pdf = await writeReportPdf({ report });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-pdf-'));
    try {
      writeFileSync(path.join(dir, 'r.pdf'), pdf);
      const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'r.pdf'), '-'], {
        encoding: 'utf8',
      });
      expect(text).toContain('Calibration and surrogate losses');
      for (const s of report.structures.filter((x) => x.ece !== undefined && x.ece !== null)) {
        expect(text).toContain(`ECE ${s.ece!.toFixed(4)}`);
        expect(text).toContain(`${s.softDiceLoss!.toFixed(3)}`);
      }
      expect(text).toMatch(/Kendall tau with the Dice ranking/);
      // without probabilities there is no such section
      const plain = structuredClone(report);
      delete plain.calibration;
      delete plain.losses;
      writeFileSync(path.join(dir, 'p.pdf'), await writeReportPdf({ report: plain }));
      expect(
        execFileSync('pdftotext', [path.join(dir, 'p.pdf'), '-'], { encoding: 'utf8' }),
      ).not.toContain('Calibration and surrogate losses');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
