/**
 * The reading view end to end (issue 17): `concord serve` on the sample, Debian Chromium.
 * Opens study after study and checks that WebGL contexts are released (no "Too many active
 * WebGL contexts", a bounded count of live contexts, the image still drawn); jumps to a model
 * structure's centre from its list, and selects the structure under the cursor with
 * Shift+click, as a user would (hover until the probe names it, then click).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexToWorld, readNiftiLabels } from '@concord/core';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { writeShiftedPrediction } from './viewer/fixtures.ts';
import { openStudyFromList, viewportPixels } from './viewer/page.ts';

const CEREBELLUM = [204, 121, 167];

describe('viewer: WebGL contexts and structure selection', () => {
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-reading-e2e-'));
    server = await startConcordServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('opens 8 studies in turn with bounded live WebGL contexts, no browser warning, the image drawn', async () => {
    const { page } = browser;
    // live WebGL contexts: created minus lost (a lost context fires webglcontextlost)
    await page.addInitScript(() => {
      const w = window as unknown as { __gl: number; __glMax: number };
      w.__gl = 0;
      w.__glMax = 0;
      const seen = new WeakSet<object>();
      const get = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (
        this: HTMLCanvasElement,
        ...args: never[]
      ) {
        const ctx = (get as (...a: unknown[]) => RenderingContext | null).apply(this, args);
        if (ctx && /^(webgl|experimental-webgl)/.test(String(args[0])) && !seen.has(ctx)) {
          seen.add(ctx);
          w.__gl++;
          w.__glMax = Math.max(w.__glMax, w.__gl);
          this.addEventListener('webglcontextlost', () => w.__gl--);
        }
        return ctx;
      } as typeof get;
    });
    const warnings: string[] = [];
    page.on('console', (m) => warnings.push(m.text()));
    await page.goto(server.url);
    const errorsBefore = browser.errors.length;
    const live = () =>
      page.evaluate(() => (window as unknown as { __gl: number; __glMax: number }).__gl);
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) {
      if (i > 0) {
        await page.locator('a.brand').click();
        await page.getByTestId('study-list').waitFor();
      }
      await page.evaluate(() => delete document.body.dataset.firstImageMs);
      await openStudyFromList(page, i % 2 ? 'Colin27' : '123565');
      // a lost context's event is asynchronous: let it arrive
      await expect.poll(live, { timeout: 10_000 }).toBeLessThanOrEqual(2);
      counts.push(await live());
    }
    const max = await page.evaluate(() => (window as unknown as { __glMax: number }).__glMax);
    console.log(`live WebGL contexts after each of 8 studies: ${counts.join(', ')} (max ${max})`);
    // the page's one rendering engine and vtk's one-time texture-format probe; Cornerstone's
    // capability probe loses its own at once. An engine per study left 3-4 after 8 studies.
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    expect(max).toBeLessThanOrEqual(2);
    expect(warnings.filter((t) => /Too many active WebGL contexts/.test(t))).toEqual([]);
    expect(browser.errors.slice(errorsBefore)).toEqual([]);
    // the last study (Colin27) is still drawn: a brain, not a black or lost canvas
    const pixels = await viewportPixels(page);
    let bright = 0;
    for (let p = 0; p < pixels.data.length; p += pixels.channels)
      if (pixels.data[p] + pixels.data[p + 1] + pixels.data[p + 2] > 150) bright++;
    expect(bright).toBeGreaterThan((pixels.width * pixels.height) / 10);
  });

  it('jumps to a model structure from its list and selects the structure under a Shift+click in both lists', async () => {
    const { page } = browser;
    await page.getByTestId('overlay-reference-label-7').waitFor({ timeout: 60_000 });
    const file = await writeShiftedPrediction(path.join(tmp, 'shifted.nii'));
    await page.locator('[data-testid=overlay-prediction] input[type=file]').setInputFiles(file);
    await page.getByTestId('overlay-prediction-goto-7').waitFor({ timeout: 60_000 });
    // the model's cerebellum centre (z of its mean voxel), from the file
    const pred = readNiftiLabels(new Uint8Array(await readFile(file)));
    const [nx, ny] = pred.dims;
    const mean = [0, 0, 0];
    let n = 0;
    for (let v = 0; v < pred.data.length; v++)
      if (pred.data[v] === 7) {
        mean[0] += v % nx;
        mean[1] += Math.floor(v / nx) % ny;
        mean[2] += Math.floor(v / (nx * ny));
        n++;
      }
    const centreZ = indexToWorld(pred, mean.map((m) => m / n) as [number, number, number])[2];
    const position = async () =>
      Number(
        (await page.getByTestId('reading-stack-position').innerText()).match(/Pos (-?[\d.]+)/)?.[1],
      );
    await page.getByTestId('overlay-prediction-goto-1').click(); // somewhere else first
    await page.getByTestId('overlay-prediction-goto-7').click();
    await expect
      .poll(async () => Math.abs((await position()) - centreZ), { timeout: 10_000 })
      .toBeLessThanOrEqual(1.5 / 2 + 0.05); // the nearest slice (1.5 mm apart)

    // hover over the cerebellum's outline region until the probe names it in both sources
    const box = (await page.getByTestId('viewport-stack').boundingBox())!;
    const pixels = await viewportPixels(page);
    const scale = box.width / pixels.width;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let y = 0; y < pixels.height; y++)
      for (let x = 0; x < pixels.width; x++) {
        const i = (y * pixels.width + x) * pixels.channels;
        if (CEREBELLUM.every((c, k) => Math.abs(pixels.data[i + k] - c) <= 30)) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    expect(x1).toBeGreaterThan(x0);
    const probe = () => page.getByTestId('reading-stack-probe').innerText();
    let target: { x: number; y: number } | null = null;
    for (let gy = 1; gy < 8 && !target; gy++)
      for (let gx = 1; gx < 8 && !target; gx++) {
        const x = box.x + (x0 + ((x1 - x0) * gx) / 8) * scale;
        const y = box.y + (y0 + ((y1 - y0) * gy) / 8) * scale;
        await page.mouse.move(x, y);
        await page.evaluate(
          () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
        );
        if (/Ref: Cerebellum\s+Model: (Cerebellum|Label 7)$/.test(await probe())) target = { x, y };
      }
    expect(target, 'a point of the cerebellum in both labelmaps').not.toBeNull();
    // a plain click selects nothing; Shift+click selects the structure in both lists
    await page.mouse.click(target!.x, target!.y);
    expect(await page.getByTestId('overlay-selection').count()).toBe(0);
    await page.keyboard.down('Shift');
    await page.mouse.click(target!.x, target!.y);
    await page.keyboard.up('Shift');
    await page.getByTestId('overlay-selection').waitFor();
    expect(await page.getByTestId('overlay-selection').innerText()).toMatch(
      /Reference.*: Cerebellum · Model: (Cerebellum|Label 7)/,
    );
    const selectedItems = await page.$$eval('[data-selected="true"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.testid),
    );
    expect(selectedItems.sort()).toEqual(['overlay-prediction-item-7', 'overlay-reference-item-7']);
    await saveScreenshot(page, 'viewer-structure-selected');
    // the click changed nothing else: same slice
    expect(Math.abs((await position()) - centreZ)).toBeLessThanOrEqual(0.8);
  });
});
