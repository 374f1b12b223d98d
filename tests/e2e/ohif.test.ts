/**
 * Concord inside the stock OHIF viewer (issue 12): the unmodified prebuilt `@ohif/app` 3.13.2
 * from npm, Concord's runtime plugins from dist/ohif/ (npm run build:ohif), the Colin27 sample
 * through OHIF's DICOM JSON data source, COOP/COEP. Opens the sample in the model-vs-annotator
 * mode, sees the reference SEG on OHIF's viewport, runs the shipped CE model with WASM threads,
 * checks that the Metrics panel equals `concord metrics` on the prediction the Export panel
 * wrote (its DICOM SEG, which dciodvfy accepts) and the reference, and that a worst-slice jump
 * moves OHIF's viewport. docs/ohif.md.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonManifest } from '@concord/core';
import { readSeriesFolder } from '@concord/core/node';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { dciodvfy } from '../integration/report-export/dciodvfy.ts';
import { dicomFolder, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { buildOhif } from '../../scripts/build-ohif/build.ts';
import {
  PLUGINS_DIR,
  PLUGINS_PREFIX,
  serveStockOhif,
  type StockOhifServer,
} from '../../scripts/ohif/stockOhif.ts';
import { COLIN_DIR } from './viewer/fixtures.ts';
import { countColour, metricsTable, tableMetricKeys, type Pixels } from './viewer/page.ts';
import { decodePng } from '@concord/reports';

const run = promisify(execFile);
const CE_MODEL = 'unet2d-colin27-ce 1.0.0';
/** Segment 1 of the sample's reference (frontal lobe), Okabe-Ito orange. */
const FRONTAL = [230, 159, 0];

/** OHIF's viewport as rendered (PNG screenshot of its element, decoded). */
async function ohifViewportPixels(page: Page): Promise<Pixels> {
  const png = await page.locator('.cornerstone-viewport-element').first().screenshot();
  const img = decodePng(new Uint8Array(png));
  return {
    width: img.width,
    height: img.height,
    channels: img.data.length / (img.width * img.height),
    data: img.data,
  };
}

/**
 * The image OHIF's viewport overlay says it shows, "I:<instance number> (<position>/<count>)":
 * one viewport in this layout, so the page has one such line.
 */
async function ohifImage(page: Page): Promise<{ instance: number; position: number }> {
  const text = await page.locator('body').innerText();
  const m = text.match(/I:\s*(\d+)\s*\((\d+)\/\d+\)/);
  return m
    ? { instance: Number(m[1]), position: Number(m[2]) - 1 }
    : { instance: -1, position: -1 };
}

/**
 * Runs the shipped CE model in the mode (ORT 1.30 beside the plugins, WASM threads), then checks
 * that the Metrics panel equals `concord metrics` on the model SEG the Export panel writes
 * (which dciodvfy accepts) and the sample's reference: the same check for every data source.
 */
async function runModelAndCheckMetrics(page: Page, tmp: string, screenshot: string) {
  await openPanel(page, 'model', 'model-panel');
  await page.getByTestId('model-select').selectOption({ label: CE_MODEL });
  const t0 = Date.now();
  await page.getByTestId('model-run').click();
  await page
    .locator('[data-testid=model-result], [data-testid=model-error]')
    .first()
    .waitFor({ timeout: 300_000 });
  expect(await page.getByTestId('model-error').count()).toBe(0);
  console.log(`Run -> model result: ${Date.now() - t0} ms`);
  // cross-origin isolated: ORT 1.30 (ours, beside the plugin) runs threaded
  expect(await page.getByTestId('model-backend').innerText()).toMatch(
    /^wasm, ([2-9]|\d\d+) threads/,
  );
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await openPanel(page, 'metrics', 'metrics-panel');
  await page.getByTestId('metrics-table').waitFor({ timeout: 120_000 });
  console.log(`Run -> metrics shown: ${Date.now() - t0} ms`);
  const shown = await metricsTable(page);
  await saveScreenshot(page, screenshot);

  await openPanel(page, 'export', 'export-panel');
  await page.getByTestId('export-build').click();
  await page
    .locator('[data-testid=export-files], [data-testid=export-error]')
    .first()
    .waitFor({ timeout: 240_000 });
  if (await page.getByTestId('export-error').count())
    throw new Error(`Export failed: ${await page.getByTestId('export-error').innerText()}`);
  const save = async (kind: 'seg' | 'csv') => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`export-download-${kind}`).click(),
    ]);
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    return file;
  };
  const seg = await save('seg');
  const csv = await save('csv');
  const v = dciodvfy(seg);
  expect(v.errors, v.output).toEqual([]);
  const csvRows = (await readFile(csv, 'utf8')).trimEnd().split(/\r?\n/);
  expect(csvRows).toHaveLength(Object.keys(shown).length + 1);

  const { stdout } = await run(
    process.execPath,
    [
      'platform/cli/bin/concord.mjs',
      'metrics',
      '--reference',
      path.join(COLIN_DIR, 'reference-seg.dcm'),
      '--series',
      path.join(COLIN_DIR, 'dicom'),
      '--prediction',
      seg,
    ],
    { maxBuffer: 64 << 20 },
  );
  const cli = JSON.parse(stdout) as {
    structures: Array<
      Record<string, unknown> & { label: number; nsd: Record<string, number | null> }
    >;
  };
  expect(Object.keys(shown).sort()).toEqual(cli.structures.map((s) => String(s.label)).sort());
  for (const s of cli.structures) {
    const row = shown[String(s.label)];
    expect(row.status).toBe(s.status);
    for (const k of tableMetricKeys(false)) {
      const want = s[k] as number | null;
      if (want === null) expect(row[k], `${s.label} ${k}`).toBe('');
      else expect(Number(row[k]), `${s.label} ${k}`).toBeCloseTo(want, 9);
    }
    for (const [tau, want] of Object.entries(s.nsd)) {
      if (want === null) expect(row[`nsd@${tau}`]).toBe('');
      else expect(Number(row[`nsd@${tau}`]), `${s.label} nsd@${tau}`).toBeCloseTo(want, 9);
    }
  }
  // the model's Dice on this sample is far from chance (docs/README figures: ~0.8)
  const meanDice = cli.structures.reduce((a, s) => a + Number(s.dice), 0) / cli.structures.length;
  expect(meanDice).toBeGreaterThan(0.6);
}

/** ONNX Runtime's files the page and its workers request from now on, and what failed. */
function ortRequests(b: BrowserSession) {
  const seen = { ort: [] as string[], failed: [] as string[] };
  b.context.on('request', (r) => {
    if (/\/ort\/|ort-wasm|\/ort\.[\w.]*m?js$/.test(new URL(r.url()).pathname))
      seen.ort.push(r.url());
  });
  b.context.on('response', (r) => {
    if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.url()}`);
  });
  b.context.on('requestfailed', (r) => seen.failed.push(`${r.failure()?.errorText} ${r.url()}`));
  return seen;
}

/** Opens one of Concord's right-hand panels by its OHIF tab (data-cy="<name>-btn"). */
async function openPanel(page: Page, name: string, testId: string) {
  await page.locator(`[data-cy="${name}-btn"]`).click();
  // a panel's first opening loads its chunk (and React DOM, the session): slow on a loaded machine
  await page.getByTestId(testId).waitFor({ timeout: 90_000 });
}

describe('Concord in stock OHIF 3.13.2', () => {
  let server: StockOhifServer;
  let browser: BrowserSession;
  let tmp: string;
  let colinUID: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-ohif-e2e-'));
    // npm test builds dist/ohif (ESM + UMD) before the e2e suites; a lone run builds it here
    const plugins = path.join(PLUGINS_DIR, 'plugins.json');
    if (!existsSync(plugins) || !JSON.parse(readFileSync(plugins, 'utf8')).descriptors?.umd)
      await buildOhif({ quiet: true, umd: true });
    server = await serveStockOhif();
    browser = await openBrowser();
    const manifest = JSON.parse(
      await readFile(path.resolve('samples/manifest.json'), 'utf8'),
    ) as DicomJsonManifest;
    colinUID = manifest.studies.find((s) => /Colin27/.test(s.PatientName ?? ''))!.StudyInstanceUID;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('opens the sample in the mode with the reference SEG on OHIF’s viewport', async () => {
    const { page } = browser;
    await page.goto(server.studyUrl(colinUID));
    await page.locator('[data-cy="model-btn"]').waitFor({ timeout: 60_000 });
    // OHIF's "investigational use" banner covers the bottom of the viewport
    await page.locator('[data-cy="confirm-and-hide-button"]').click();
    // the hanging protocol opens the middle slice of the 121
    await expect.poll(async () => (await ohifImage(page)).position, { timeout: 60_000 }).toBe(60);
    await openPanel(page, 'model', 'model-panel');
    const status = page.getByTestId('concord-reference-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('shown');
    expect(await status.innerText()).toMatch(/AAL merged into 7 structures \(annotator\)/);
    await expect
      .poll(async () => countColour(await ohifViewportPixels(page), FRONTAL), {
        timeout: 15_000,
      })
      .toBeGreaterThan(200);
    // OHIF's own segmentation panel lists the reference
    await page.locator('[data-cy="panelSegmentation-btn"]').click();
    await expect
      .poll(() => page.locator('body').innerText(), { timeout: 15_000 })
      .toMatch(/Reference \(annotator\)/);
    await saveScreenshot(page, 'ohif-reference');
  });

  // the model run takes seconds on an idle machine, minutes on a loaded 2-core one
  it(
    'runs the shipped model with WASM threads; Metrics equal `concord metrics` on the exported SEG',
    { timeout: 420_000 },
    async () => {
      const { page } = browser;
      const requests = ortRequests(browser);
      await runModelAndCheckMetrics(page, tmp, 'ohif-metrics');
      // ORT loads one file, its JSEP .wasm (the .mjs glue is in the worker's bundle), from
      // beside the plugins: never stock OHIF's own ORT at /ort/
      expect(requests.failed).toEqual([]);
      expect(requests.ort.map((u) => path.posix.basename(new URL(u).pathname))).toEqual([
        expect.stringMatching(/^ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/),
      ]);
      expect(requests.ort.every((u) => new URL(u).pathname.startsWith(PLUGINS_PREFIX))).toBe(true);
      const files = readdirSync(PLUGINS_DIR).filter((f) => /^ort-wasm/.test(f));
      expect(files).toEqual([path.posix.basename(new URL(requests.ort[0]).pathname)]);
    },
  );

  it('a worst-slice jump moves OHIF’s viewport', async () => {
    const { page } = browser;
    await openPanel(page, 'disagreement', 'disagreement-panel');
    const worst = page.getByTestId('worst-slices');
    await expect.poll(() => worst.innerText(), { timeout: 60_000 }).toMatch(/worst: \d+/);
    const ranking = (await worst.innerText())
      .replace(/^worst:\s*/, '')
      .split(',')
      // the panel numbers slices from 1, as the viewport does; k is 0-based
      .map((s) => Number(s.trim()) - 1);
    // slice k of the panel is slice k of the series ordered along its normal (as `concord
    // metrics` reads it); OHIF's stack has its own order: compare by instance number
    const series = await readSeriesFolder(path.join(COLIN_DIR, 'dicom'));
    const instanceOf = (k: number) => Number(series.instanceMetadata[k].InstanceNumber);
    const before = (await ohifImage(page)).instance;
    const target = ranking.find((k) => instanceOf(k) !== before) ?? ranking[0];
    await page.locator(`[data-testid=slice-profile] [data-slice="${target}"]`).first().click();
    // the chart came from the plugins' chart worker, loaded from the plugin folder
    expect(page.workers().map((w) => new URL(w.url()).pathname)).toContainEqual(
      expect.stringMatching(new RegExp(`^${PLUGINS_PREFIX}chart\\.worker-[\\w-]+\\.js$`)),
    );
    await expect
      .poll(async () => (await ohifImage(page)).instance, { timeout: 15_000 })
      .toBe(instanceOf(target));
    // the next worst slice by the panel's button
    const next = ranking[(ranking.indexOf(target) + 1) % ranking.length];
    await page.getByTestId('worst-next').click();
    await expect
      .poll(async () => (await ohifImage(page)).instance, { timeout: 15_000 })
      .toBe(instanceOf(next));
    // OHIF's hotkeysManager binds the mode's worst-slice keys: `]` next, `[` previous
    const afterNext = ranking[(ranking.indexOf(next) + 1) % ranking.length];
    await page.locator('.cornerstone-viewport-element').first().hover();
    await page.keyboard.press(']');
    await expect
      .poll(async () => (await ohifImage(page)).instance, { timeout: 15_000 })
      .toBe(instanceOf(afterNext));
    await page.keyboard.press('[');
    await expect
      .poll(async () => (await ohifImage(page)).instance, { timeout: 15_000 })
      .toBe(instanceOf(next));
    await saveScreenshot(page, 'ohif-worst-slice');
    expect(browser.errors.filter((e) => !/ReferencedSeriesSequence/.test(e))).toEqual([]);
  });

  it('OHIF 3.14 UMD files: descriptors hash them; each sets window[packageName] from shared React', () => {
    const p = JSON.parse(readFileSync(path.join(PLUGINS_DIR, 'plugins.json'), 'utf8')) as {
      descriptors: {
        umd: Array<{
          packageName: string;
          importPath: string;
          globalName: string;
          integrity: string;
        }>;
      };
    };
    // React from the globals OHIF 3.14 shares, keyed by package name (docs/ohif.md)
    const require = createRequire(path.resolve('platform/ohif-host/package.json'));
    const shared = {
      react: require('react'),
      'react-dom': require('react-dom'),
      'react/jsx-runtime': require('react/jsx-runtime'),
    };
    expect(p.descriptors.umd).toHaveLength(5);
    for (const d of p.descriptors.umd) {
      const file = path.join(PLUGINS_DIR, d.importPath);
      const sri = `sha384-${execFileSync('openssl', ['dgst', '-sha384', '-binary', file]).toString('base64')}`;
      expect(d.integrity, d.importPath).toBe(sri);
      const src = `http://127.0.0.1/plugins/${d.importPath}`;
      const context: Record<string, unknown> = {
        ...shared,
        document: { currentScript: { src } },
        location: { href: 'http://127.0.0.1/' },
        ...Object.fromEntries(
          [
            'URL',
            'TextDecoder',
            'TextEncoder',
            'atob',
            'btoa',
            'performance',
            'console',
            'setTimeout',
            'clearTimeout',
            'queueMicrotask',
            'MessageChannel',
            'Blob',
          ].map((k) => [k, (globalThis as Record<string, unknown>)[k]]),
        ),
      };
      context.self = context;
      vm.createContext(context);
      vm.runInContext(readFileSync(file, 'utf8'), context);
      const plugin = context[d.globalName] as {
        id: string;
        modeFactory?: () => { extensions: Record<string, string> };
      };
      expect(plugin?.id, d.importPath).toBe(d.packageName);
      // 3.14 registers plugins by package name: the mode lists Concord's extensions by id
      if (plugin.modeFactory)
        expect(Object.keys(plugin.modeFactory().extensions)).toEqual(
          expect.arrayContaining(
            p.descriptors.umd.filter((x) => x !== d).map((x) => x.packageName),
          ),
        );
    }
  });
});

describe('Concord in stock OHIF 3.13.2 over DICOMweb (Orthanc behind the same-origin proxy)', () => {
  let orthanc: RunningOrthanc;
  let server: StockOhifServer;
  let browser: BrowserSession;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-ohif-dicomweb-e2e-'));
    orthanc = await startOrthanc();
    await orthanc.upload([
      ...dicomFolder(path.join(COLIN_DIR, 'dicom')).map((f) => f.bytes),
      new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-seg.dcm'))),
    ]);
    server = await serveStockOhif({ dicomweb: orthanc.dicomweb });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('opens the sample from Orthanc in the mode; the reference SEG comes by WADO-RS', async () => {
    const { page } = browser;
    const manifest = JSON.parse(
      await readFile(path.resolve('samples/manifest.json'), 'utf8'),
    ) as DicomJsonManifest;
    const uid = manifest.studies.find((s) => /Colin27/.test(s.PatientName ?? ''))!.StudyInstanceUID;
    await page.goto(`${server.origin}/model-vs-annotator/dicomweb?StudyInstanceUIDs=${uid}`);
    await page.locator('[data-cy="model-btn"]').click({ timeout: 60_000 });
    const status = page.getByTestId('concord-reference-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 90_000 }).toBe('shown');
    await page.locator('[data-cy="confirm-and-hide-button"]').click();
    await expect
      .poll(async () => countColour(await ohifViewportPixels(page), FRONTAL), {
        timeout: 15_000,
      })
      .toBeGreaterThan(200);
    await saveScreenshot(page, 'ohif-dicomweb-reference');
  });

  it(
    'runs the shipped model on the study from Orthanc; Metrics equal `concord metrics`',
    { timeout: 420_000 },
    async () => {
      const { page } = browser;
      await runModelAndCheckMetrics(page, tmp, 'ohif-dicomweb-metrics');
      // OHIF's own complaint about the SEG it cannot read is expected (docs/ohif.md)
      expect(browser.errors.filter((e) => !/ReferencedSeriesSequence/.test(e))).toEqual([]);
    },
  );
});
