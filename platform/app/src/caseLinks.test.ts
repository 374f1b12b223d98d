import { describe, expect, it } from 'vitest';
import { caseViewerHref, cohortReturnUrl, servedFileUrl, servedLabelmapUrl } from './caseLinks.ts';

const O = 'http://127.0.0.1:8080';

describe('servedFileUrl: cohort paths under the served folder only', () => {
  const cohort = `${O}/data/out/cohort.json`;
  it('resolves paths relative to the folder of cohort.json, sibling folders included', () => {
    expect(servedFileUrl(cohort, 'cases/c1/prediction-a.nii.gz')).toBe(
      `${O}/data/out/cases/c1/prediction-a.nii.gz`,
    );
    expect(servedFileUrl(cohort, '../in/ref seg.dcm')).toBe(`${O}/data/in/ref%20seg.dcm`);
  });
  it('refuses what climbs above the served folder instead of clamping it onto another file', () => {
    expect(servedFileUrl(cohort, '../../data/x.nii')).toBeNull();
    expect(servedFileUrl(cohort, '..')).toBeNull();
    expect(servedFileUrl(cohort, '/etc/passwd')).toBeNull();
    expect(servedFileUrl(cohort, 'https://example.org/x.nii')).toBeNull();
    expect(servedFileUrl(cohort, '..\\x.nii')).toBeNull();
    expect(servedFileUrl(`${O}/elsewhere/cohort.json`, 'x.nii')).toBeNull();
  });
  it('keeps encoded dots literal', () => {
    expect(servedFileUrl(cohort, '%2e%2e/x')).toBe(`${O}/data/out/%252e%252e/x`);
  });
});

describe('servedLabelmapUrl: what the viewer fetches', () => {
  it('takes same-origin files under /data/', () => {
    expect(servedLabelmapUrl('/data/in/p.nii', O)).toBe(`${O}/data/in/p.nii`);
  });
  it('refuses other origins, other folders and hidden traversal, with a reason', () => {
    expect(() => servedLabelmapUrl('https://example.org/data/p.nii', O)).toThrow(
      /this server only/,
    );
    expect(() => servedLabelmapUrl('/app-config.json', O)).toThrow(/served folder/);
    expect(() => servedLabelmapUrl('/data/../models/x.onnx', O)).toThrow(/served folder/);
    expect(() => servedLabelmapUrl('/data/%2e%2e/app-config.json', O)).toThrow(/served folder/);
    expect(() => servedLabelmapUrl('/data/..%2fapp-config.json', O)).toThrow(/served folder/);
  });
});

describe('cohortReturnUrl', () => {
  it('keeps same-origin /cohort addresses only', () => {
    expect(cohortReturnUrl('/cohort?url=%2Fdata%2Fc.json', O)).toBe('/cohort?url=%2Fdata%2Fc.json');
    expect(cohortReturnUrl('https://example.org/cohort', O)).toBeNull();
    expect(cohortReturnUrl('javascript:alert(1)', O)).toBeNull();
    expect(cohortReturnUrl('/viewer/x', O)).toBeNull();
    expect(cohortReturnUrl(null, O)).toBeNull();
  });
});

describe('caseViewerHref', () => {
  it('names the study, series, files and the way back', () => {
    const href = caseViewerHref({
      route: 'model-vs-annotator',
      studyUID: '1.2.3',
      seriesUID: '1.2.3.4',
      referenceUrl: `${O}/data/in/ref.dcm`,
      predictionUrl: `${O}/data/in/p.nii`,
      model: 'a',
      cohortPage: '/cohort?url=%2Fdata%2Fout%2Fcohort.json',
    });
    const u = new URL(href, O);
    expect(u.pathname).toBe('/viewer/model-vs-annotator');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      StudyInstanceUIDs: '1.2.3',
      SeriesInstanceUIDs: '1.2.3.4',
      reference: '/data/in/ref.dcm',
      prediction: '/data/in/p.nii',
      model: 'a',
      cohort: '/cohort?url=%2Fdata%2Fout%2Fcohort.json',
    });
  });
});
