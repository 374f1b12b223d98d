/**
 * The viewer against a real PACS: Debian's Orthanc with its DICOMweb plugin, reached through
 * `concord serve --dicomweb` (same-origin proxy; Orthanc sends no CORS headers). Then the
 * server goes down: the study list says so and the other data source still works.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { dicomFolder, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { COLIN_DIR, MARKUP_NAME, writeMarkupStudy } from './viewer/fixtures.ts';
import { countColour, openStudyFromList, viewportPixels } from './viewer/page.ts';

const FRONTAL = [230, 159, 0];

describe('viewer over DICOMweb (Orthanc)', () => {
  let orthanc: RunningOrthanc | null = null;
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-dicomweb-e2e-'));
    orthanc = await startOrthanc();
    const files = [
      ...dicomFolder(path.join(COLIN_DIR, 'dicom')).map((f) => f.bytes),
      new Uint8Array(await readFile(path.join(COLIN_DIR, 'reference-seg.dcm'))),
      ...(await Promise.all(
        (await writeMarkupStudy(tmp)).map(async (f) => new Uint8Array(await readFile(f))),
      )),
    ];
    await orthanc.upload(files);
    server = await startConcordServer(['--dicomweb', orthanc.dicomweb]);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('lists the PACS studies through the proxy, names as text', async () => {
    const { page } = browser;
    await page.goto(server.url);
    expect(await page.getByTestId('data-source').inputValue()).toBe('dicomweb');
    await page.getByTestId('study-row').filter({ hasText: 'Colin27' }).waitFor();
    // Orthanc splits the PN at "=" into component groups; the list shows the alphabetic group
    // (as OHIF does), as text
    const names = await page.getByTestId('patient-name').allInnerTexts();
    expect(names).toContain(MARKUP_NAME.split('=')[0]);
    expect(await page.locator('img[src=x]').count()).toBe(0);
  });

  it('opens the study over WADO-RS with the reference SEG overlay', async () => {
    const { page } = browser;
    expect(await openStudyFromList(page, 'Colin27')).toBeGreaterThan(0);
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => countColour(await viewportPixels(page), FRONTAL), { timeout: 15_000 })
      .toBeGreaterThan(200);
    await saveScreenshot(page, 'viewer-dicomweb-orthanc');
  });

  it('says the server is down and stays usable with the other data source', async () => {
    const { page } = browser;
    await orthanc?.stop();
    orthanc = null;
    await page.goto(server.url);
    const error = page.getByTestId('study-list-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(
      /DICOMweb QIDO-RS search for studies at \/dicomweb failed: the server answered HTTP 502/,
    );
    await saveScreenshot(page, 'viewer-dicomweb-down');
    await page.getByTestId('data-source').selectOption('local');
    await page.getByTestId('study-row').filter({ hasText: 'Colin27' }).waitFor();
    expect(await openStudyFromList(page, 'Colin27')).toBeGreaterThan(0);
  });
});
