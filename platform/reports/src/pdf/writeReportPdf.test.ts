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
});
