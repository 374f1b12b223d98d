/**
 * The Lesions view end to end: `concord serve` on the sample, Debian Chromium. A lesion
 * reference and prediction (three reference lesions; the prediction finds two, misses one and
 * adds a false one) are generated on the Colin27 series' grid and loaded through the overlays'
 * "Load…"; the structure is marked as instances in the Metrics panel, the Lesions view must list
 * the missed and the false lesion at their centre slices, and a click must go to that slice.
 * The Export panel then offers the lesion table, the same file as `concord metrics --lesions-csv`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNifti, type LabelVolume } from '@concord/core';
import { readSeriesFolder } from '@concord/core/node';
import { openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { runConcord } from '../helpers/concord.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { COLIN_DIR } from './viewer/fixtures.ts';
import { openStudyFromList } from './viewer/page.ts';

type Cube = { lo: [number, number, number]; hi: [number, number, number] };
/** Lesions in voxel indices of the image grid; slice = centre k (odd extents: an integer). */
const FOUND_A: Cube = { lo: [70, 90, 40], hi: [76, 96, 44] }; // slice 42
const MISSED: Cube = { lo: [100, 110, 58], hi: [104, 114, 64] }; // slice 61
const FOUND_B: Cube = { lo: [80, 130, 70], hi: [86, 134, 72] }; // slice 71
const FALSE: Cube = { lo: [110, 80, 85], hi: [113, 83, 89] }; // slice 87

function labelmap(grid: Omit<LabelVolume, 'data'>, cubes: Cube[]): LabelVolume {
  const [nx, ny] = grid.dims;
  const data = new Uint8Array(grid.dims[0] * grid.dims[1] * grid.dims[2]);
  for (const { lo, hi } of cubes)
    for (let k = lo[2]; k <= hi[2]; k++)
      for (let j = lo[1]; j <= hi[1]; j++)
        for (let i = lo[0]; i <= hi[0]; i++) data[i + nx * (j + ny * k)] = 1;
  return { ...grid, data };
}

async function imageIndex(page: Page): Promise<number> {
  const text = await page.getByTestId('viewport-status').innerText();
  const m = text.match(/Image (\d+)\//);
  return m ? Number(m[1]) - 1 : -1;
}

describe('Lesions view', () => {
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;
  let reference: string;
  let prediction: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-lesions-e2e-'));
    const { volume } = await readSeriesFolder(path.join(COLIN_DIR, 'dicom'));
    const grid = {
      dims: volume.dims,
      spacing: volume.spacing,
      origin: volume.origin,
      direction: volume.direction,
    };
    reference = path.join(tmp, 'lesions-reference.nii');
    prediction = path.join(tmp, 'lesions-prediction.nii');
    await writeFile(reference, writeNifti(labelmap(grid, [FOUND_A, MISSED, FOUND_B])));
    await writeFile(prediction, writeNifti(labelmap(grid, [FOUND_A, FOUND_B, FALSE])));
    server = await startConcordServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('lists the missed and false lesions and goes to their centre slices', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await openStudyFromList(page, 'Colin27');
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=overlay-reference] input[type=file]').setInputFiles(reference);
    // the file is read in a worker: the reference is the lesions once its title says so
    await expect
      .poll(() => page.getByTestId('overlay-reference').locator('.overlay-title').innerText(), {
        timeout: 60_000,
      })
      .toMatch(/lesions-reference/);
    await page
      .locator('[data-testid=overlay-prediction] input[type=file]')
      .setInputFiles(prediction);
    await page.getByTestId('metrics-table').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=lesions] summary').click();
    await page.getByTestId('lesions-mark-1').check();
    const table = page.getByTestId('lesions-table-1');
    await table.waitFor({ timeout: 60_000 });
    const rows = await table.evaluate((t) =>
      [...t.querySelectorAll('tbody tr')].map((tr) => ({
        kind: (tr as HTMLElement).dataset.kind,
        slice: Number((tr as HTMLElement).dataset.slice),
        dice: (tr.querySelector('td[data-value]') as HTMLElement).dataset.value,
      })),
    );
    // missed and false lesions first, then the matched ones (Dice 1: drawn identically)
    expect(rows).toEqual([
      { kind: 'missed', slice: 61, dice: '' },
      { kind: 'false', slice: 87, dice: '' },
      { kind: 'matched', slice: 42, dice: '1' },
      { kind: 'matched', slice: 71, dice: '1' },
    ]);
    const summary = page.getByTestId('lesions-1');
    for (const [key, value] of [
      ['TP', '2'],
      ['FP', '1'],
      ['FN', '1'],
      ['PQ', String(2 / 3)],
    ])
      expect(await summary.locator(`dd[data-key="${key}"]`).getAttribute('data-value')).toBe(value);
    await table.locator('tr[data-kind=missed] [data-testid=lesion-go]').click();
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(61);
    await table.locator('tr[data-kind=false] [data-testid=lesion-go]').click();
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(87);
  });

  it('exports the lesion table: the file `concord metrics --lesions-csv` writes', async () => {
    const { page } = browser;
    await page.getByTestId('export-build').click();
    const link = page.getByTestId('export-download-lesions');
    await link.waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/-lesions\.csv$/);
    const viewer = await readFile(await download.path(), 'utf8');

    const cliCsv = path.join(tmp, 'cli-lesions.csv');
    const run = await runConcord([
      'metrics',
      '--reference',
      reference,
      '--prediction',
      prediction,
      '--instances',
      '1',
      '--lesions-csv',
      cliCsv,
      '--out',
      path.join(tmp, 'cli-report.json'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const cli = await readFile(cliCsv, 'utf8');
    // one row per matched pair, missed and false lesion: 2 + 1 + 1
    expect(viewer.trim().split(/\r?\n/)).toHaveLength(1 + 4);
    expect(viewer).toBe(cli);
  });
});
