/**
 * The disagreement and volumetric-bias views end to end (issue 7): `concord serve` on the
 * sample, Debian Chromium. Runs the shipped cross-entropy model in the browser while a
 * PerformanceObserver records long main-thread tasks, checks the TP/FP/FN layer's colours on
 * screen, navigates by the slice profile and the worst-slice hotkeys, and compares the
 * confusion matrix and the volumes with `concord infer` + `concord metrics` on the same inputs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNiftiFrames } from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import { calibrationSteps } from './calibration.steps.ts';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import {
  installLongTaskObserver,
  renderTime,
  type FrameScript,
  type LongTask,
} from '../helpers/longTasks.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { COLIN_DIR } from './viewer/fixtures.ts';
import { metricsTable, openStudyFromList, viewportPixels, type Pixels } from './viewer/page.ts';

const run = promisify(execFile);
const CE_MANIFEST = 'platform/inference/models/unet2d-colin27-ce.json';
const CE_MODEL = 'unet2d-colin27-ce 1.0.0';

type Box = { x: number; y: number; width: number; height: number };

/**
 * Pixels whose colour is clearly the FP (reds: r high, g ≈ b) or FN (violets: b > r ≥ g)
 * styles, outside `mask` (the on-image legend, whose swatches carry the same colours). The
 * structure outlines' Okabe–Ito colours (orange, vermillion, sky blue, blue, …) count as
 * neither.
 */
function countFpFn(p: Pixels, mask: Box | null = null): { fp: number; fn: number } {
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < p.data.length; i += p.channels) {
    if (mask) {
      const px = (i / p.channels) % p.width;
      const py = Math.floor(i / p.channels / p.width);
      if (px >= mask.x && px < mask.x + mask.width && py >= mask.y && py < mask.y + mask.height)
        continue;
    }
    const r = p.data[i];
    const g = p.data[i + 1];
    const b = p.data[i + 2];
    if (r - g > 80 && Math.abs(g - b) < 35) fp++;
    else if (b - r > 50 && r >= g - 5) fn++;
  }
  return { fp, fn };
}

async function imageIndex(page: Page): Promise<number> {
  const text = await page.getByTestId('viewport-status').innerText();
  const m = text.match(/Image (\d+)\//);
  return m ? Number(m[1]) - 1 : -1;
}

async function tableCells(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((table) =>
    [...table.querySelectorAll('td[data-value]')].map((td) => {
      const el = td as HTMLElement;
      const tr = el.closest('tr') as HTMLElement;
      return {
        ref: el.dataset.ref,
        pred: el.dataset.pred,
        key: el.dataset.key,
        label: tr.dataset.label,
        model: tr.dataset.model,
        value: el.dataset.value ?? '',
      };
    }),
  );
}

type CliReport = {
  grid: { spacing: number[] };
  confusion: { labels: number[]; counts: number[][] };
  structures: Array<{ label: number; volumeRefMl: number; volumePredMl: number }>;
};

/** Main-thread time outside rendering that any task may take during the CE run (see below). */
const OTHER_TASK_BUDGET_MS = 150;

describe('disagreement and volumetric-bias views', () => {
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;
  const chartWorkerFailures: string[] = [];
  let cli: CliReport;
  /** the same CLI report, with calibration and losses from the probabilities */
  let cliFull: EvaluationReport;
  let cliSoftMl: Record<number, number>;
  const predictionFile = () => path.join(tmp, 'ce-prediction.nii.gz');

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-disagreement-e2e-'));
    server = await startConcordServer();
    browser = await openBrowser();
    // the CLI on the same inputs: the shipped CE model on the sample series (WASM, as in the
    // browser), then the metric engine against the reference labels
    const probs = path.join(tmp, 'ce-probabilities.nii.gz');
    await run(process.execPath, [
      'platform/cli/bin/concord.mjs',
      'infer',
      '--model',
      CE_MANIFEST,
      '--input',
      path.join(COLIN_DIR, 'dicom'),
      '--out',
      predictionFile(),
      '--probabilities',
      probs,
      '--backend',
      'wasm',
      '--threads',
      '1',
    ]);
    const { stdout } = await run(
      process.execPath,
      [
        'platform/cli/bin/concord.mjs',
        'metrics',
        '--reference',
        path.join(COLIN_DIR, 'reference-labels.nii.gz'),
        '--prediction',
        predictionFile(),
        '--probabilities',
        probs,
      ],
      { maxBuffer: 64 << 20 },
    );
    cli = JSON.parse(stdout) as CliReport;
    cliFull = JSON.parse(stdout) as EvaluationReport;
    // soft volume = Σ p · v from the CLI's quantised probabilities (p = q / 255, as in the viewer)
    const { grid, frames } = readNiftiFrames(new Uint8Array(await readFile(probs)));
    const v = grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
    cliSoftMl = {};
    for (const s of cli.structures) {
      let sum = 0;
      const q = frames[s.label] as ArrayLike<number>;
      for (let i = 0; i < q.length; i++) sum += q[i];
      cliSoftMl[s.label] = (sum * v) / 1000; // frames are p (the file stores q with slope 1/255)
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("runs the CE model with no task over 100 ms around the views' main-thread work, then shows them", async () => {
    const { page } = browser;
    // the charts are built by their worker, not drawn on the page as a fallback
    page.on('console', (m) => {
      if (m.text().includes('Chart worker failed')) chartWorkerFailures.push(m.text());
    });
    await page.addInitScript(installLongTaskObserver);
    await page.goto(server.url);
    await openStudyFromList(page, 'Colin27');
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL });
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('model-run').click();
    await page.getByTestId('model-result').waitFor({ timeout: 170_000 });
    await page.getByTestId('metrics-table').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=slice-profile] [data-slice]').first().waitFor({
      timeout: 60_000,
    });
    await page.getByTestId('volume-bias-table').waitFor({ timeout: 60_000 });
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForTimeout(1500); // the last frames' entries are delivered asynchronously
    const { tasks, scripts, measures } = await page.evaluate(() => {
      const w = window as unknown as { __longtasks: LongTask[]; __frameScripts: FrameScript[] };
      // our panels' marked main-thread work (showing the prediction, posting to workers)
      const measures = performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('concord:'))
        .map((m) => ({ name: m.name, start: m.startTime, duration: m.duration }));
      return { tasks: w.__longtasks, scripts: w.__frameScripts, measures };
    });
    const during = tasks
      .filter((t) => t.start >= t0 && t.start <= t1)
      .map((t) => ({
        ...t,
        renderMs: renderTime(t, scripts),
        other: t.duration - renderTime(t, scripts),
      }));
    await mkdir('test-results', { recursive: true });
    await writeFile(
      'test-results/disagreement-longtasks.json',
      JSON.stringify(
        {
          runToViewsMs: t1 - t0,
          longTasks: during,
          longScripts: scripts.filter((x) => x.start >= t0 && x.start <= t1 && x.duration > 50),
          measures: measures.filter((m) => m.start >= t0 && m.start <= t1),
        },
        null,
        2,
      ),
    );
    console.log(
      `run -> disagreement, bias and metrics shown: ${Math.round(t1 - t0)} ms; long tasks ` +
        during
          .map((t) => `${Math.round(t.duration)} (render ${Math.round(t.renderMs)})`)
          .join(', '),
    );
    // The disagreement views' own main-thread work (the evaluation session posting its parts
    // to the worker, showing the layer) is marked with performance measures: no long task over
    // 100 ms may contain it. The `concord:evaluation:worker`, `:engine` and `:products`
    // measures span the worker's computing, not work of this thread: they are left out.
    const ours = await page.evaluate(() =>
      performance
        .getEntriesByType('measure')
        .filter(
          (m) =>
            m.name.startsWith('concord:show:disagreement') || m.name === 'concord:evaluation:post',
        )
        .map((m) => ({ name: m.name, start: m.startTime, duration: m.duration })),
    );
    expect(ours.length).toBeGreaterThan(1);
    const containsOurs = (t: LongTask) =>
      ours.some((m) => m.start < t.start + t.duration && m.start + m.duration > t.start);
    expect(during.filter((t) => t.duration > 100 && containsOurs(t))).toEqual([]);
    // Over the whole page, only the software renderer's frames may be much longer: a task
    // counts as rendering for the time its requestAnimationFrame callbacks ran (Cornerstone
    // draws there; SwiftShader's canvas copy alone takes 200-400 ms). The rest of any task (the
    // Model panel loading its manifest and showing the result, Cornerstone's image requests,
    // React, GC) stays under OTHER_TASK_BUDGET_MS. That budget is wider than the 100 ms target,
    // which `npm run bench:scale` measures on a quiet machine (55-82 ms there): here the WASM
    // inference threads hold both cores of a 2-core CI machine, and such tasks measured 52-105
    // ms of wall time in CI runs (docs/performance.md). Work moved onto the main thread (a
    // chart of many structures, a SEG decode) still fails it.
    const others = during.filter((t) => t.other > OTHER_TASK_BUDGET_MS);
    const describeTask = (t: (typeof during)[number]) => {
      const s = scripts.filter((x) => x.start >= t.start && x.start < t.start + t.duration);
      return (
        `${Math.round(t.duration)} ms (render ${Math.round(t.renderMs)}; ` +
        `${s.map((x) => `${x.invoker} ${x.source} ${Math.round(x.duration)}`).join(', ') || '?'})`
      );
    };
    expect(others.map(describeTask)).toEqual([]);
    expect(chartWorkerFailures).toEqual([]);
  });

  it('shows FP and FN colours of the disagreement layer on the image', async () => {
    const { page } = browser;
    // readable without touching the overlay controls: while the layer is on, the reference
    // and the model are drawn as outlines (the rule is stated in both legends)
    expect(await page.getByTestId('overlay-outline-rule').innerText()).toMatch(/outlines/);
    expect(await page.getByTestId('overlay-prediction-fill').isChecked()).toBe(true);
    // slices are numbered from 1 in the panel, as in the viewport's "Image n/N"
    const worst =
      Number((await page.getByTestId('worst-slices').innerText()).match(/worst: (\d+)/)?.[1]) - 1;
    await page.locator(`[data-testid=slice-profile] [data-slice="${worst}"]`).first().click();
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(worst);
    // the legend is on the image; its box (relative to the viewport) is left out of the count
    const legend = page.getByTestId('disagreement-legend-viewport');
    await legend.waitFor();
    expect(await legend.innerText()).toMatch(/FP gross \(> τ = 1 mm\)/);
    expect(await legend.innerText()).toMatch(/Structures: outlines only while this layer is shown/);
    const vp = (await page.getByTestId('viewport-stack').boundingBox()) as Box;
    const lb = (await legend.boundingBox()) as Box;
    const mask = {
      x: lb.x - vp.x - 2,
      y: lb.y - vp.y - 2,
      width: lb.width + 4,
      height: lb.height + 4,
    };
    await expect
      .poll(async () => countFpFn(await viewportPixels(page), mask).fp, { timeout: 30_000 })
      .toBeGreaterThan(20);
    const { fp, fn } = countFpFn(await viewportPixels(page), mask);
    expect(fn).toBeGreaterThan(20);
    expect(fp).toBeGreaterThan(20);
    await saveScreenshot(page, 'disagreement-layer');
    // coloured by distance to the reference surface: FP and FN ramps
    await page.getByTestId('disagreement-by-distance').check();
    await expect.poll(() => legend.innerText(), { timeout: 15_000 }).toMatch(/FP, 0 → ≥ 10 mm/);
    const lb2 = (await legend.boundingBox()) as Box;
    const mask2 = {
      x: lb2.x - vp.x - 2,
      y: lb2.y - vp.y - 2,
      width: lb2.width + 4,
      height: lb2.height + 4,
    };
    await expect
      .poll(
        async () => {
          const c = countFpFn(await viewportPixels(page), mask2);
          return Math.min(c.fp, c.fn);
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(20);
    await saveScreenshot(page, 'disagreement-layer-distance');
    await page.getByTestId('disagreement-by-distance').uncheck();
    // the toggle hides it
    await page.getByTestId('disagreement-layer-toggle').uncheck();
    await legend.waitFor({ state: 'detached' });
    await expect
      .poll(
        async () =>
          countFpFn(await viewportPixels(page)).fp + countFpFn(await viewportPixels(page)).fn,
        {
          timeout: 15_000,
        },
      )
      .toBeLessThan(5);
    // the model's fill is back once the layer is hidden
    await page.getByTestId('overlay-outline-rule').waitFor({ state: 'detached' });
    await page.getByTestId('disagreement-layer-toggle').check();
  });

  it('moves the viewport to the clicked bar and steps through the worst slices by hotkey', async () => {
    const { page } = browser;
    const ranking = (await page.getByTestId('worst-slices').innerText())
      .replace(/^worst:\s*/, '')
      .split(',')
      .map((s) => Number(s.trim()) - 1); // shown from 1
    expect(ranking.length).toBeGreaterThan(2);
    const target = ranking[2];
    await page.locator(`[data-testid=slice-profile] [data-slice="${target}"]`).first().click();
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(target);
    // hotkeys through OHIF's HotkeysManager: ']' next worst, '[' previous worst
    // after a click on the image (the viewport has the focus), as a reader would
    await page.getByTestId('viewport-stack').click();
    await page.keyboard.press(']');
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(ranking[3]);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await expect.poll(() => imageIndex(page), { timeout: 15_000 }).toBe(ranking[1]);
  });

  // the calibration view and loss inspector on the same model run (issue 16)
  calibrationSteps(() => ({ page: browser.page, cli: cliFull }));

  it('shows the volumes of `concord infer` + `concord metrics` for the same model and series', async () => {
    const { page } = browser;
    const cells = await tableCells(page, 'volume-bias-table');
    for (const s of cli.structures) {
      const get = (key: string) =>
        Number(
          cells.find((c) => c.label === String(s.label) && c.model === CE_MODEL && c.key === key)
            ?.value,
        );
      expect(get('referenceMl'), `${s.label} reference`).toBeCloseTo(s.volumeRefMl, 9);
      // the browser's WASM run and the CLI's WASM run label the same voxels
      expect(get('hardMl'), `${s.label} hard`).toBeCloseTo(s.volumePredMl, 9);
      expect(get('softMl'), `${s.label} soft`).toBeCloseTo(cliSoftMl[s.label], 3);
    }
    expect(await page.getByTestId('hard-vs-soft-help').innerText()).toMatch(/soft volume/);
  });

  it('downloads the volume chart as one standalone SVG with its legend, and as a PNG', async () => {
    const { page } = browser;
    const download = async (testId: string) => {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(testId).click(),
      ]);
      return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
    };
    const svg = await download('export-svg');
    expect(svg.name).toBe('volumetric-bias.svg');
    // an SVG file on its own: Chromium's XML parser reads it, the legend is part of it
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.tagName,
        size: [root.getAttribute('width'), root.getAttribute('height')],
        legend: [...root.children].filter((e) => e.tagName === 'text').map((e) => e.textContent),
        bars: root.querySelectorAll('g[aria-label="bar"] rect').length,
      };
    }, svg.bytes.toString('utf8'));
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.size).toEqual(['680', '382']);
    expect(parsed.legend).toEqual([
      'reference',
      expect.stringMatching(/ hard$/),
      expect.stringMatching(/ soft$/),
    ]);
    const panelBars = await page
      .locator('[data-testid=volume-bias-chart] g[aria-label="bar"] rect')
      .count();
    expect(parsed.bars).toBe(panelBars);
    expect(panelBars).toBeGreaterThan(0);
    // the PNG is that SVG at twice its size
    const png = await download('export-png');
    expect(png.name).toBe('volumetric-bias.png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([1360, 764]);
  });

  it('shows the confusion matrix of `concord metrics` for the CLI prediction', async () => {
    const { page } = browser;
    await page
      .locator('[data-testid=overlay-prediction] input[type=file]')
      .setInputFiles(predictionFile());
    await expect
      .poll(async () => page.getByTestId('disagreement-status').innerText(), { timeout: 60_000 })
      .toMatch(/ce-prediction\.nii\.gz/);
    const cells = await tableCells(page, 'confusion-matrix');
    const voxelMl = cli.grid.spacing.reduce((a, b) => a * b, 1) / 1000;
    const { labels, counts } = cli.confusion;
    let compared = 0;
    labels.forEach((r, i) =>
      labels.forEach((p, j) => {
        const cell = cells.find((c) => c.ref === String(r) && c.pred === String(p));
        expect(Number(cell?.value), `ref ${r} pred ${p}`).toBeCloseTo(counts[i][j] * voxelMl, 9);
        compared++;
      }),
    );
    expect(compared).toBe(labels.length ** 2);
    // both predictions of this study are listed side by side in the volumetric-bias view
    expect(await page.getByTestId('volume-bias-models').innerText()).toMatch(
      /unet2d-colin27-ce 1\.0\.0.*ce-prediction\.nii\.gz/,
    );
  });

  it('puts the soft-Dice model next to the CE model and shows CE again from the cache', async () => {
    const { page } = browser;
    await page.getByTestId('model-select').selectOption({ label: 'unet2d-colin27-dice 1.0.0' });
    await page.getByTestId('model-run').click();
    await expect
      .poll(async () => page.getByTestId('volume-bias-models').innerText(), { timeout: 170_000 })
      .toMatch(/unet2d-colin27-dice 1\.0\.0/);
    const cells = await tableCells(page, 'volume-bias-table');
    const soft = (model: string, label: number) =>
      Number(
        cells.find((c) => c.model === model && c.label === String(label) && c.key === 'softMl')
          ?.value,
      );
    expect(soft('unet2d-colin27-dice 1.0.0', 1)).toBeGreaterThan(0);
    expect(soft(CE_MODEL, 1)).toBeGreaterThan(0);
    // the two models side by side in the Metrics panel, from the session's kept results
    const diceDice = (await metricsTable(page))['1'].dice;
    await page.getByTestId('metrics-compare-a').selectOption({ label: CE_MODEL });
    await page
      .getByTestId('metrics-compare-b')
      .selectOption({ label: 'unet2d-colin27-dice 1.0.0' });
    // the compare table's cells name their model themselves (two models per row)
    const compareCells = () =>
      page.getByTestId('metrics-compare-table').evaluate((table) =>
        [...table.querySelectorAll('td[data-value]')].map((td) => {
          const el = td as HTMLElement;
          return {
            label: (el.closest('tr') as HTMLElement).dataset.label,
            key: el.dataset.key,
            model: el.dataset.model,
            value: el.dataset.value ?? '',
          };
        }),
      );
    let compare = await compareCells();
    const compared = (model: string) =>
      compare.find((c) => c.label === '1' && c.key === 'dice' && c.model === model)?.value;
    await expect
      .poll(async () => {
        compare = await compareCells();
        return compared('unet2d-colin27-dice 1.0.0');
      })
      .toBe(diceDice);
    // back to CE by choosing it: its labelmap, metrics and disagreement come back from this
    // session without running the model again (no Run click, no progress)
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL });
    await page.getByTestId('model-kept').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('model-progress').count()).toBe(0);
    await expect
      .poll(async () => page.getByTestId('disagreement-status').innerText(), { timeout: 30_000 })
      .toMatch(/unet2d-colin27-ce 1\.0\.0 · cached/);
    expect(await page.getByTestId('metrics-model').innerText()).toBe(CE_MODEL);
    expect((await metricsTable(page))['1'].dice).toBe(compared(CE_MODEL));
    await saveScreenshot(page, 'disagreement-two-models');
  });
});
