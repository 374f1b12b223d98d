/**
 * The cohort view end to end (issue 15, item 5; docs/cohort.md "Cohort view"): `concord cohort`
 * on the committed fixture cohort (tests/fixtures/cohort, with a hostile metadata value added),
 * `concord serve` on the folder, Debian Chromium on `/cohort?url=/data/out/cohort.json`.
 * Checks the table against cohort.json and the per-case reports, sorts, filters, opens a case
 * and comes back with the sort, filter and scroll kept. A second cohort on the Colin27 DICOM
 * sample (reference SEG, NIfTI predictions) opens a case from the table in the viewer with its
 * reference and prediction: the Metrics panel shows the row's Dice.
 */
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from '@concord/metrics';
import type { CohortReport } from '@concord/metrics/cohort';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import {
  COLIN_DIR,
  MARKUP_NAME,
  writeMarkupStudy,
  writeShiftedPrediction,
} from './viewer/fixtures.ts';
import { metricsTable, viewportPixels, countColoured } from './viewer/page.ts';

const run = promisify(execFile);
const FIXTURE = path.resolve('tests/fixtures/cohort');
const CONCORD = path.resolve('platform/cli/bin/concord.mjs');

describe('cohort view', () => {
  let tmp: string;
  let server: RunningServer;
  let browser: BrowserSession;
  let cohort: CohortReport;
  let colinCohort: CohortReport;
  const colinReports = new Map<string, EvaluationReport>(); // case id
  const reports = new Map<string, EvaluationReport>(); // `${case}/${model}`
  let dialogs = 0;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-cohort-e2e-'));
    // the cases of the fixture, with a scanner column whose one value is markup
    const input = path.join(tmp, 'in');
    await mkdir(input, { recursive: true });
    const lines = (await readFile(path.join(FIXTURE, 'cases.csv'), 'utf8')).trim().split(/\r?\n/);
    const csv = [
      `${lines[0]},scanner`,
      ...lines.slice(1).map((l, i) => `${l},${i === 2 ? `"${MARKUP_NAME}"` : 'S1'}`),
    ].join('\n');
    await writeFile(path.join(input, 'cases.csv'), csv + '\n');
    for (const l of lines.slice(1))
      for (const f of l.split(',').slice(2, 5))
        await copyFile(path.join(FIXTURE, f), path.join(input, f));
    await run(process.execPath, [
      CONCORD,
      'cohort',
      '--cases',
      path.join(input, 'cases.csv'),
      '--out',
      path.join(tmp, 'out'),
      '--bootstrap',
      '200',
      '--group-by',
      'site',
      '--no-pdf',
    ]);
    cohort = JSON.parse(await readFile(path.join(tmp, 'out', 'cohort.json'), 'utf8'));
    for (const c of cohort.cases)
      for (const [model, rel] of Object.entries(c.reports))
        reports.set(
          `${c.id}/${model}`,
          JSON.parse(await readFile(path.join(tmp, 'out', rel), 'utf8')) as EvaluationReport,
        );
    // `concord serve` wants a DICOM study in its folder: one slice
    await writeMarkupStudy(path.join(tmp, 'dicom'));
    // a cohort of DICOM cases: the Colin27 series and its reference SEG, two predictions
    const colin = path.join(tmp, 'colin');
    await cp(path.join(COLIN_DIR, 'dicom'), path.join(colin, 'dicom'), { recursive: true });
    await copyFile(
      path.join(COLIN_DIR, 'reference-seg.dcm'),
      path.join(colin, 'reference-seg.dcm'),
    );
    await writeShiftedPrediction(path.join(colin, 'shifted.nii'));
    await copyFile(
      path.join(COLIN_DIR, 'reference-labels.nii.gz'),
      path.join(colin, 'exact.nii.gz'),
    );
    await writeFile(
      path.join(colin, 'cases.csv'),
      [
        'case_id,image,reference,prediction,site',
        'shifted,dicom,reference-seg.dcm,shifted.nii,A',
        'exact,dicom,reference-seg.dcm,exact.nii.gz,B',
      ].join('\n') + '\n',
    );
    await run(process.execPath, [
      CONCORD,
      'cohort',
      '--cases',
      path.join(colin, 'cases.csv'),
      '--out',
      path.join(tmp, 'colin-out'),
      '--bootstrap',
      '200',
      '--group-by',
      'site',
      '--no-pdf',
    ]);
    colinCohort = JSON.parse(await readFile(path.join(tmp, 'colin-out', 'cohort.json'), 'utf8'));
    for (const c of colinCohort.cases)
      colinReports.set(
        c.id,
        JSON.parse(
          await readFile(path.join(tmp, 'colin-out', c.reports.prediction), 'utf8'),
        ) as EvaluationReport,
      );
    server = await startConcordServer([tmp]);
    browser = await openBrowser();
    browser.page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** The table's rows as the page shows them. */
  const tableRows = () =>
    browser.page.$$eval('[data-testid="cohort-row"]', (trs) =>
      trs.map((tr) => ({
        caseId: (tr as HTMLElement).dataset.case!,
        model: (tr as HTMLElement).dataset.model!,
        label: Number((tr as HTMLElement).dataset.label),
        dice: tr.querySelector('[data-metric="dice"]')!.getAttribute('data-value'),
        hd95: tr.querySelector('[data-metric="hd95"]')!.getAttribute('data-value'),
        diceText: tr.querySelector('[data-metric="dice"]')!.textContent,
        background: getComputedStyle(tr.querySelector('[data-metric="dice"]')!).backgroundColor,
      })),
    );
  const asNumber = (v: string | null) => (v === '' || v === null ? null : Number(v));

  it('shows every case x model x structure with the numbers of the reports and cohort.json', async () => {
    expect(cohort.summary.ok).toBe(5);
    const { page } = browser;
    await page.goto(`${server.url}cohort?url=${encodeURIComponent('/data/out/cohort.json')}`);
    await page.waitForSelector('[data-testid="cohort-row"]', { timeout: 30_000 });
    const rows = await tableRows();
    const expected = [...reports].flatMap(([key, r]) =>
      r.structures.map((s) => ({ key: `${key}/${s.label}`, dice: s.dice, hd95: s.hd95 })),
    );
    expect(rows).toHaveLength(expected.length);
    for (const e of expected) {
      const row = rows.find((r) => `${r.caseId}/${r.model}/${r.label}` === e.key)!;
      expect(row, e.key).toBeDefined();
      expect(asNumber(row.dice)).toBe(e.dice);
      expect(asNumber(row.hd95)).toBe(e.hd95);
      if (e.dice !== null) expect(row.diceText).toBe(e.dice.toFixed(4));
    }
    // Dice colour: viridis, dark for 0, yellow for 1
    const worst = rows.reduce((a, b) => (asNumber(a.dice)! <= asNumber(b.dice)! ? a : b));
    expect(worst.background).not.toBe('rgba(0, 0, 0, 0)');
    // the per-structure statistics are cohort.json's
    const means = await page.$$eval('[data-testid="cohort-structure-row"] td:nth-child(4)', (tds) =>
      tds.map((td) => Number(td.getAttribute('data-value'))),
    );
    expect(means).toEqual(
      cohort.structures.filter((s) => s.group === null).map((s) => s.metrics.dice.mean),
    );
    // per site (--group-by site): cohort.json's mean and CI95 per structure and model, and the
    // mean is that of the site's case rows in the table
    const groups = await page.$$eval('[data-testid="cohort-group-row"]', (trs) =>
      trs.map((tr) => {
        const td = tr.querySelector('[data-metric="dice-mean"]') as HTMLElement;
        const e = tr as HTMLElement;
        return {
          group: e.dataset.group,
          model: e.dataset.model,
          label: Number(e.dataset.label),
          mean: Number(td.dataset.value),
          ci: td.dataset.ci,
        };
      }),
    );
    const perSite = cohort.structures.filter((s) => s.group !== null);
    expect(perSite.length).toBeGreaterThan(0);
    expect(groups).toEqual(
      perSite.map((s) => ({
        group: s.group!.value,
        model: s.model,
        label: s.label,
        mean: s.metrics.dice.mean,
        ci: s.metrics.dice.ci95!.join(' '),
      })),
    );
    for (const g of groups) {
      const dice = rows
        .filter(
          (r) =>
            r.model === g.model &&
            r.label === g.label &&
            cohort.cases.find((c) => c.id === r.caseId)!.metadata.site === g.group &&
            r.dice !== null,
        )
        .map((r) => asNumber(r.dice)!);
      expect(g.mean).toBeCloseTo(dice.reduce((a, b) => a + b, 0) / dice.length, 12);
    }
    expect(await page.textContent('[data-testid="cohort-groups-title"]')).toBe('Per site');
    const summary = await page.$$eval('[data-testid="cohort-summary-model"]', (li) =>
      li.map((l) => l.textContent),
    );
    for (const m of cohort.summary.models)
      expect(summary).toContain(
        `${m.model}: mean Dice ${m.meanDice!.toFixed(4)}, pooled Dice ${m.pooledDice!.toFixed(4)}`,
      );
    // charts: one box/strip per model, one Bland–Altman per structure and model
    expect(await page.$$eval('[data-testid="cohort-charts"] svg', (s) => s.length)).toBe(
      cohort.models.length + cohort.structures.filter((s) => s.group === null).length,
    );
    // the markup in the metadata is text, not HTML
    expect(await page.textContent('[data-testid="cohort-table"]')).toContain(MARKUP_NAME);
    expect(await page.$$('[data-testid="cohort-table"] img')).toHaveLength(0);
    expect(dialogs).toBe(0);
  });

  it('sorts by Dice, filters by site, opens a case and comes back with the table state kept', async () => {
    const { page } = browser;
    await page.click('[data-testid="cohort-sort-dice"]');
    await page.click('[data-testid="cohort-sort-dice"]'); // second click: descending
    const sorted = (await tableRows()).map((r) => asNumber(r.dice));
    const values = sorted.filter((v): v is number => v !== null);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(sorted.slice(values.length).every((v) => v === null)).toBe(true);

    await page.selectOption('[data-testid="cohort-filter-site"]', 'B');
    const siteB = cohort.cases.filter((c) => c.metadata.site === 'B').map((c) => c.id);
    const filtered = await tableRows();
    expect(new Set(filtered.map((r) => r.caseId))).toEqual(new Set(siteB));
    expect(filtered).toHaveLength(
      siteB.reduce(
        (n, id) =>
          n + cohort.models.length * reports.get(`${id}/${cohort.models[0]}`)!.structures.length,
        0,
      ),
    );
    await page.evaluate(() => window.scrollTo(0, 250));
    const scrollY = await page.evaluate(() => window.scrollY);
    expect(scrollY).toBeGreaterThan(0);
    const order = filtered.map((r) => `${r.caseId}/${r.model}/${r.label}`);

    // open the second visible row's case
    const caseId = filtered[1].caseId;
    await page.locator('[data-testid="cohort-open-case"]').nth(1).click();
    await page.waitForSelector('[data-testid="cohort-case"]');
    expect(new URL(page.url()).searchParams.get('case')).toBe(caseId);
    expect(await page.textContent('[data-testid="cohort-case-id"]')).toBe(`Case ${caseId}`);
    for (const model of cohort.models) {
      const shown = await page.$$eval(
        `[data-testid="cohort-case-report"][data-model="${model}"] [data-testid="cohort-case-row"] td:nth-child(2)`,
        (tds) => tds.map((td) => td.getAttribute('data-value')),
      );
      expect(shown.map(asNumber)).toEqual(
        reports.get(`${caseId}/${model}`)!.structures.map((s) => s.dice),
      );
    }
    // the fixture's inputs are NIfTI: the page says the viewer cannot show the images
    expect(await page.textContent('[data-testid="cohort-viewer-note"]')).toContain(
      'not a DICOM study',
    );
    await saveScreenshot(page, 'cohort-case');

    await page.click('[data-testid="cohort-back"]');
    await page.waitForSelector('[data-testid="cohort-row"]');
    expect(new URL(page.url()).searchParams.get('case')).toBeNull();
    expect((await tableRows()).map((r) => `${r.caseId}/${r.model}/${r.label}`)).toEqual(order);
    expect(
      await page.$eval('[data-testid="cohort-filter-site"]', (s) => (s as HTMLSelectElement).value),
    ).toBe('B');
    expect(
      await page.$eval('th:has([data-testid="cohort-sort-dice"])', (th) =>
        th.getAttribute('aria-sort'),
      ),
    ).toBe('descending');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollY);
    await saveScreenshot(page, 'cohort-table');
    expect(browser.errors).toEqual([]);
  });

  it("opens a DICOM case from the table in the viewer with its reference and prediction: the Metrics panel shows the row's Dice; Back and the link keep the table state", async () => {
    const { page } = browser;
    const cohortPage = `${server.url}cohort?url=${encodeURIComponent('/data/colin-out/cohort.json')}`;
    await page.goto(cohortPage);
    await page.waitForSelector('[data-testid="cohort-row"]', { timeout: 30_000 });
    expect(colinCohort.cases.map((c) => c.inputs)).toEqual([
      {
        image: '../colin/dicom',
        reference: '../colin/reference-seg.dcm',
        predictions: { prediction: '../colin/shifted.nii' },
      },
      {
        image: '../colin/dicom',
        reference: '../colin/reference-seg.dcm',
        predictions: { prediction: '../colin/exact.nii.gz' },
      },
    ]);
    // the table state to keep: Dice ascending, a scroll position
    await page.click('[data-testid="cohort-sort-dice"]');
    const order = async () => (await tableRows()).map((r) => `${r.caseId}/${r.model}/${r.label}`);
    const before = await order();
    await page.evaluate(() => window.scrollTo(0, 200));
    const scrollY = await page.evaluate(() => window.scrollY);
    expect(scrollY).toBeGreaterThan(0);
    // the shifted case's rows, as the table shows them (its Dice per structure)
    const rows = (await tableRows()).filter((r) => r.caseId === 'shifted');
    expect(rows).toHaveLength(colinReports.get('shifted')!.structures.length);
    const rowDice = Object.fromEntries(rows.map((r) => [String(r.label), asNumber(r.dice)]));
    expect(rowDice['1']).toBeLessThan(1);
    expect(rowDice['3']).toBe(0); // removed from this prediction

    const openShifted = async () => {
      const button = page
        .locator('[data-testid="cohort-row"][data-case="shifted"] [data-testid="cohort-open-case"]')
        .first();
      expect(await button.getAttribute('data-viewer')).toBe('yes');
      await button.click();
      await page.waitForURL(/\/viewer\/model-vs-annotator\?/);
      await page.getByTestId('metrics-table').waitFor({ timeout: 90_000 });
      await expect
        .poll(async () => Object.keys(await metricsTable(page)).length, { timeout: 60_000 })
        .toBe(rows.length);
    };
    await openShifted();
    const url = new URL(page.url());
    expect(url.searchParams.get('prediction')).toBe('/data/colin/shifted.nii');
    expect(url.searchParams.get('reference')).toBe('/data/colin/reference-seg.dcm');
    // both overlays are the case's files; the Metrics panel's Dice is the cohort row's
    await page.getByTestId('overlay-reference-label-7').waitFor();
    await page.getByTestId('overlay-prediction-label-1').waitFor();
    const shown = await metricsTable(page);
    for (const [label, dice] of Object.entries(rowDice))
      expect(Number(shown[label].dice), `structure ${label}`).toBe(dice);
    expect(shown['3'].status).toBe('prediction-empty');
    expect(countColoured(await viewportPixels(page))).toBeGreaterThan(200);
    await saveScreenshot(page, 'cohort-case-in-viewer');

    // the browser's Back: the table as it was (sort, scroll)
    await page.goBack();
    await page.waitForSelector('[data-testid="cohort-row"]', { timeout: 30_000 });
    expect(await order()).toEqual(before);
    expect(
      await page.$eval('th:has([data-testid="cohort-sort-dice"])', (th) =>
        th.getAttribute('aria-sort'),
      ),
    ).toBe('ascending');
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrollY);

    // the viewer's own link back to the cohort: the same
    await openShifted();
    await page.getByTestId('viewer-back-to-cohort').click();
    await page.waitForSelector('[data-testid="cohort-row"]', { timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/cohort');
    expect(await order()).toEqual(before);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrollY);
    expect(browser.errors).toEqual([]);
  });

  it('refuses case labelmaps from another origin or outside the served folder', async () => {
    const { page } = browser;
    const study = colinReports.get('shifted')!.case.studyInstanceUID!;
    for (const [prediction, why] of [
      ['https://example.org/x.nii', 'read from this server only'],
      ['/app-config.json', 'read from the served folder (/data/) only'],
      ['/data/%2e%2e/app-config.json', 'read from the served folder (/data/) only'],
    ]) {
      await page.goto(
        `${server.url}viewer/model-vs-annotator?StudyInstanceUIDs=${encodeURIComponent(study)}&prediction=${encodeURIComponent(prediction)}`,
      );
      await expect
        .poll(() => page.getByTestId('overlay-prediction-warning').innerText(), { timeout: 60_000 })
        .toContain(why);
      expect(await page.getByTestId('overlay-prediction-label-1').count()).toBe(0);
    }
  });

  it('says clearly when the cohort address is not a cohort file or is off-origin', async () => {
    const { page } = browser;
    await page.goto(
      `${server.url}cohort?url=${encodeURIComponent('/data/out/cases/case01/case.json')}`,
    );
    await page.waitForSelector('[data-testid="cohort-error"]');
    expect(await page.textContent('[data-testid="cohort-error"]')).toContain(
      'not a concord.cohort/v1 file',
    );
    await page.goto(
      `${server.url}cohort?url=${encodeURIComponent('https://example.org/cohort.json')}`,
    );
    await page.waitForSelector('[data-testid="cohort-error"]');
    expect(await page.textContent('[data-testid="cohort-error"]')).toContain('same origin');
  });

  it('opens a chosen cohort.json and says in each row that a report not chosen with it is unreachable', async () => {
    const { page } = browser;
    await page.goto(`${server.url}cohort`);
    await page.setInputFiles(
      '[data-testid="cohort-file-input"]',
      path.join(tmp, 'out', 'cohort.json'),
    );
    await page.waitForSelector('[data-testid="cohort-problem-row"]');
    const problems = await page.$$eval('[data-testid="cohort-problem-row"]', (trs) =>
      trs.map((tr) => ({ id: (tr as HTMLElement).dataset.case, text: tr.textContent ?? '' })),
    );
    expect(problems.map((p) => p.id)).toEqual(cohort.cases.map((c) => c.id));
    for (const p of problems) expect(p.text).toContain('not among the chosen files');
    expect(await page.$$('[data-testid="cohort-row"]')).toHaveLength(0);
    // the statistics of cohort.json are still there
    expect(await page.$$('[data-testid="cohort-structure-row"]')).toHaveLength(
      cohort.structures.filter((s) => s.group === null).length,
    );
  });
});
