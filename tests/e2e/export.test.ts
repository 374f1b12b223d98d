/**
 * The Export panel end to end (issue 8, viewer side): the sample study in Debian's Orthanc,
 * opened through `concord serve --dicomweb`; the shipped CE model runs once in the browser, the
 * panel builds the five files in a worker, the test saves each download and validates it (JSON
 * schema + the Metrics panel's numbers, CSV rows, PDF text, dciodvfy, SR read-back, no PHI by
 * default), then sends the SEG and SR to Orthanc (QIDO-RS finds them) and, with Orthanc down,
 * gets a clear error while the downloads stay available.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPart10 } from '@concord/core';
import { isValidReport, reportProblems } from '@concord/metrics';
import {
  EXPORT_FILE_NAMES,
  formatRatio,
  readMeasurementReportSr,
  type EvaluationReport,
  type AlwaysExportKind,
  type ExportKind,
} from '@concord/reports';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { dicomFolder, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { dciodvfy } from '../integration/report-export/dciodvfy.ts';
import { COLIN_DIR, writeShiftedPrediction } from './viewer/fixtures.ts';
import { metricsTable, openStudyFromList, tableMetricKeys } from './viewer/page.ts';

const CE_MODEL = 'unet2d-colin27-ce 1.0.0';
/** every export but the lesion table (no structure is evaluated lesion-wise here) */
const KINDS = (Object.keys(EXPORT_FILE_NAMES) as ExportKind[]).filter(
  (k): k is AlwaysExportKind => k !== 'lesions',
);
// the sample's PatientName Colin27^Sample, PatientID CONCORD-COLIN27
const PHI = ['Colin27^Sample', 'Colin27 Sample', 'CONCORD-COLIN27'];

interface LongTask {
  start: number;
  duration: number;
}

function installLongTaskObserver() {
  const w = window as unknown as { __longtasks: LongTask[] };
  w.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      w.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Clicks each download link and saves the file under `dir`; returns the paths. Every file
 * names its model (`model` is the expected file-name prefix).
 */
async function saveDownloads(
  page: Page,
  dir: string,
  model = 'unet2d-colin27-ce-1.0.0',
): Promise<Record<AlwaysExportKind, string>> {
  await mkdir(dir, { recursive: true });
  const out = {} as Record<AlwaysExportKind, string>;
  for (const kind of KINDS) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`export-download-${kind}`).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${model}-${EXPORT_FILE_NAMES[kind]}`);
    out[kind] = path.join(dir, EXPORT_FILE_NAMES[kind]);
    await download.saveAs(out[kind]);
  }
  return out;
}

function sopInstanceUID(bytes: Uint8Array): string {
  return String(readPart10(bytes).SOPInstanceUID);
}

describe('Export panel', () => {
  let orthanc: RunningOrthanc | null = null;
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;
  let files: Record<AlwaysExportKind, string>;
  let report: EvaluationReport;
  let buildWindow: { t0: number; t1: number };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-export-e2e-'));
    orthanc = await startOrthanc();
    await orthanc.upload([
      ...dicomFolder(path.join(COLIN_DIR, 'dicom')).map((f) => f.bytes),
      new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-seg.dcm'))),
    ]);
    server = await startConcordServer(['--dicomweb', orthanc.dicomweb]);
    browser = await openBrowser();
    const { page } = browser;
    await page.addInitScript(installLongTaskObserver);
    await page.goto(server.url);
    await openStudyFromList(page, 'Colin27');
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    // one model run shared by every test of this file
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL });
    await page.getByTestId('model-run').click();
    await page.getByTestId('model-result').waitFor({ timeout: 170_000 });
    await page.getByTestId('metrics-table').waitFor({ timeout: 60_000 });
    // the other panels finish their own work first: long tasks in the window are the export's
    await page.getByTestId('volume-bias-table').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('export-build').click();
    await page.getByTestId('export-files').waitFor({ timeout: 120_000 });
    const t1 = await page.evaluate(() => performance.now());
    buildWindow = { t0, t1 };
    files = await saveDownloads(page, path.join(tmp, 'default'));
    // no lesion-wise structure, no lesion table
    expect(await page.getByTestId('export-download-lesions').count()).toBe(0);
    report = JSON.parse(await readFile(files.json, 'utf8')) as EvaluationReport;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('builds the five files in a worker: no long main-thread task, timing recorded', async () => {
    const { page } = browser;
    const timing = page.getByTestId('export-timing');
    const ms = {
      totalMs: Number(await timing.getAttribute('data-total-ms')),
      reportMs: Number(await timing.getAttribute('data-metrics-ms')),
      filesMs: Number(await timing.getAttribute('data-exports-ms')),
      clickToLinksMs: Math.round(buildWindow.t1 - buildWindow.t0),
    };
    const tasks = (await page.evaluate(
      () => (window as unknown as { __longtasks: LongTask[] }).__longtasks,
    )) as LongTask[];
    const during = tasks.filter(
      (t) => t.start + t.duration > buildWindow.t0 && t.start < buildWindow.t1,
    );
    const longest = Math.max(0, ...during.map((t) => t.duration));
    const measures = await page.evaluate(() =>
      performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('concord-export:'))
        .map((m) => ({ name: m.name, start: m.startTime, duration: m.duration })),
    );
    await mkdir('test-results', { recursive: true });
    await writeFile(
      'test-results/viewer-export.json',
      `${JSON.stringify({ ...ms, longestMainThreadTaskMs: Math.round(longest), measures }, null, 2)}\n`,
    );
    await saveScreenshot(page, 'viewer-export');
    expect(ms.totalMs).toBeGreaterThan(0);
    // the Metrics panel had shown its report for these labelmaps: the export used it
    expect(await timing.getAttribute('data-report-reused')).toBe('true');
    expect(longest, JSON.stringify(during)).toBeLessThan(200);
  });

  it('JSON validates against concord.report/v1 and carries the Metrics panel numbers', async () => {
    expect(reportProblems(report)).toEqual([]);
    expect(isValidReport(report)).toBe(true);
    expect(report.prediction.model?.name).toBe('unet2d-colin27-ce');
    expect(report.structures).toHaveLength(7);
    const shown = await metricsTable(browser.page);
    expect(Object.keys(shown).sort()).toEqual(report.structures.map((s) => String(s.label)).sort());
    for (const s of report.structures) {
      const row = shown[String(s.label)];
      for (const key of tableMetricKeys(true)) {
        const v = s[key];
        expect(row[key], `${s.name} ${key}`).toBe(v === null || v === undefined ? '' : String(v));
      }
    }
  });

  it('CSV has one row per structure; PDF text has the table values; no PHI by default', async () => {
    const csv = await readFile(files.csv, 'utf8');
    const rows = csv.trimEnd().split('\r\n');
    expect(rows).toHaveLength(report.structures.length + 1);
    for (const s of report.structures) {
      expect(rows.some((r) => r.includes(s.name) && r.includes(String(s.dice)))).toBe(true);
    }
    const text = execFileSync('pdftotext', ['-layout', files.pdf, '-'], { encoding: 'utf8' });
    for (const s of report.structures) {
      expect(text).toContain(s.name);
      expect(text).toContain(formatRatio(s.dice));
    }
    for (const t of [text, csv, await readFile(files.json, 'utf8')])
      for (const p of PHI) expect(t).not.toContain(p);
    // the PDF's boundary/gross split uses the τ the viewer shows, and names the model
    const tau = (await browser.page.getByTestId('export-model').innerText()).match(
      /τ = ([\d.]+) mm/,
    )?.[1];
    expect(tau).toBe('1');
    expect(text).toMatch(new RegExp(`(τ|tau) = ${tau} mm`));
    expect(text).toContain(CE_MODEL.split(' ')[0]);
  });

  it('SEG and SR pass dciodvfy; the SR reads back the JSON numbers and references the SEG', async () => {
    for (const k of ['seg', 'sr'] as const) {
      const v = dciodvfy(files[k]);
      expect(v.errors, v.output).toEqual([]);
    }
    const segUid = sopInstanceUID(new Uint8Array(await readFile(files.seg)));
    const sr = readMeasurementReportSr(new Uint8Array(await readFile(files.sr)));
    expect(sr.studyInstanceUID).toBe(report.case.studyInstanceUID);
    expect(sr.groups).toHaveLength(report.structures.length);
    for (const s of report.structures) {
      const g = sr.groups.find((x) => x.label === s.label)!;
      expect(g.segment?.sopInstanceUID).toBe(segUid);
      expect(g.sourceSeriesInstanceUID).toBe(report.case.seriesInstanceUID);
      for (const f of ['dice', 'jaccard', 'hd95', 'assd', 'volumeRefMl', 'volumePredMl'] as const)
        expect(g.values[f], `${s.name} ${f}`).toBe(s[f] ?? undefined);
    }
  });

  it('the PHI checkbox rebuilds with patient identity in CSV and PDF (not JSON)', async () => {
    const { page } = browser;
    await page.getByTestId('export-include-phi').check();
    // files built without PHI are withdrawn, never offered for the new choice
    await expect.poll(() => page.getByTestId('export-files').count()).toBe(0);
    await page.getByTestId('export-build').click();
    await page.getByTestId('export-files').waitFor({ timeout: 120_000 });
    const phi = await saveDownloads(page, path.join(tmp, 'phi'));
    expect(await readFile(phi.csv, 'utf8')).toContain('Colin27^Sample');
    const text = execFileSync('pdftotext', [phi.pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('CONCORD-COLIN27');
    expect(await readFile(phi.json, 'utf8')).not.toContain('CONCORD-COLIN27');
    await page.getByTestId('export-include-phi').uncheck();
    await page.getByTestId('export-build').click();
    await page.getByTestId('export-files').waitFor({ timeout: 120_000 });
  });

  it('sends SEG + SR to Orthanc through the proxy: QIDO-RS finds both', async () => {
    const { page } = browser;
    await page.getByTestId('export-stow').click();
    const done = page.getByTestId('export-stow-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.innerText()).toContain('prediction SEG and measurement report SR');
    const dir = path.join(tmp, 'sent');
    const sent = await saveDownloads(page, dir);
    const uids = {
      seg: sopInstanceUID(new Uint8Array(await readFile(sent.seg))),
      sr: sopInstanceUID(new Uint8Array(await readFile(sent.sr))),
    };
    for (const [kind, uid] of Object.entries(uids)) {
      const res = await fetch(
        `${orthanc!.dicomweb}/studies/${report.case.studyInstanceUID}/instances?SOPInstanceUID=${uid}&includefield=00080060`,
        { headers: { Accept: 'application/dicom+json' } },
      );
      const found = (await res.json()) as Array<Record<string, { Value?: string[] }>>;
      expect(found, kind).toHaveLength(1);
      expect(found[0]['00080060']?.Value?.[0]).toBe(kind.toUpperCase());
    }
  });

  it('reopening the study after the send keeps the annotator SEG as the reference, not the model SEG', async () => {
    const title = (p: typeof browser.page) =>
      p.getByTestId('overlay-reference').locator('.overlay-title').innerText();
    const before = await title(browser.page);
    const page = await browser.context.newPage();
    try {
      await page.goto(server.url);
      await openStudyFromList(page, 'Colin27');
      await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
      expect(await title(page)).toBe(before);
    } finally {
      await page.close();
    }
  });

  it('with the PACS down, says so and keeps the downloads', async () => {
    const { page } = browser;
    await orthanc?.stop();
    orthanc = null;
    await page.getByTestId('export-stow').click();
    const error = page.getByTestId('export-stow-error');
    await error.waitFor({ timeout: 60_000 });
    const message = await error.innerText();
    expect(message).toMatch(/^Could not send the prediction SEG to \S+\/dicomweb: .*HTTP 502/);
    expect(message).toContain('The exports are kept in the download list above');
    await saveScreenshot(page, 'viewer-export-stow-down');
    const again = await saveDownloads(page, path.join(tmp, 'after-failure'));
    expect(JSON.parse(await readFile(again.json, 'utf8')).summary).toEqual(report.summary);
    expect(browser.errors.filter((e) => !/502|Bad Gateway/.test(e))).toEqual([]);
  });
});

describe('Export panel on the file data source, prediction from a labelmap file', () => {
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-export-local-e2e-'));
    server = await startConcordServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('exports valid SEG, SR and report from the DICOM JSON sample; no PACS to send to', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await openStudyFromList(page, 'Colin27');
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    await page
      .locator('[data-testid=overlay-prediction] input[type=file]')
      .setInputFiles(await writeShiftedPrediction(path.join(tmp, 'prediction.nii')));
    await page.getByTestId('metrics-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('export-build').click();
    await page.getByTestId('export-files').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('export-model').innerText()).toMatch(/Model: prediction\.nii/);
    const files = await saveDownloads(page, path.join(tmp, 'out'), 'prediction');
    for (const k of ['seg', 'sr'] as const) {
      const v = dciodvfy(files[k]);
      expect(v.errors, v.output).toEqual([]);
    }
    const report = JSON.parse(await readFile(files.json, 'utf8')) as EvaluationReport;
    expect(reportProblems(report)).toEqual([]);
    const shown = await metricsTable(page);
    for (const s of report.structures)
      expect(shown[String(s.label)].dice).toBe(s.dice === null ? '' : String(s.dice));
    // structure 3 is absent from this prediction: an empty segment keeps its SR measurements
    expect(report.structures.find((s) => s.label === 3)?.status).toBe('prediction-empty');
    const sr = readMeasurementReportSr(new Uint8Array(await readFile(files.sr)));
    expect(sr.groups.map((g) => g.label).sort()).toEqual(
      report.structures.map((s) => s.label).sort(),
    );
    expect(sr.groups.find((g) => g.label === 3)?.values.dice).toBe(0);
    expect(await page.getByTestId('export-sr-skipped').count()).toBe(0);
    expect(await page.getByTestId('export-stow').count()).toBe(0);
    expect(await page.getByTestId('export-stow-unavailable').innerText()).toMatch(/DICOMweb/);
    expect(browser.errors).toEqual([]);
  });
});
