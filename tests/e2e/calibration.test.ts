/**
 * Calibration view, uncertainty overlay and loss inspector end to end (issue 16, docs/
 * calibration.md): `concord serve` on the sample, Debian Chromium, the shipped cross-entropy
 * model run in the browser. The numbers the panels show are compared with `concord infer
 * --probabilities` + `concord metrics --probabilities` on the same model and series (WASM, as
 * in the browser).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSS_KEYS, type EvaluationReport } from '@concord/metrics';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';
import { COLIN_DIR } from './viewer/fixtures.ts';
import { openStudyFromList } from './viewer/page.ts';

const run = promisify(execFile);
const CLI = 'platform/cli/bin/concord.mjs';
const CE_MANIFEST = 'platform/inference/models/unet2d-colin27-ce.json';
const CE_MODEL = 'unet2d-colin27-ce 1.0.0';

/**
 * How far the browser's numbers may be from the CLI's. Both run the model in onnxruntime-web's
 * WASM, the browser with threads and the CLI with one, so a few voxels' uint8 probabilities
 * may differ by 1/255 (the disagreement e2e compares soft volumes to 1e-3 mL for this reason);
 * the labels (argmax) are the same. A mean over ~10^5-10^6 voxels moves by far less than this.
 */
const TOL = 1e-4;

async function cells(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((table) =>
    [...table.querySelectorAll('td[data-value]')].map((td) => {
      const el = td as HTMLElement;
      const tr = el.closest('tr') as HTMLElement;
      return {
        key: el.dataset.key ?? '',
        label: tr.dataset.label,
        model: tr.dataset.model,
        value: el.dataset.value ?? '',
      };
    }),
  );
}

function near(actual: string | undefined, expected: number | null | undefined, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual ?? '', what).toBe('');
    return;
  }
  expect(Math.abs(Number(actual) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(
    TOL,
  );
}

describe('calibration view and loss inspector', () => {
  let server: RunningServer;
  let browser: BrowserSession;
  let tmp: string;
  let cli: EvaluationReport;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-calibration-e2e-'));
    server = await startConcordServer();
    browser = await openBrowser();
    const prediction = path.join(tmp, 'ce-prediction.nii.gz');
    const probabilities = path.join(tmp, 'ce-probabilities.nii.gz');
    await run(process.execPath, [
      CLI,
      'infer',
      '--model',
      CE_MANIFEST,
      '--input',
      path.join(COLIN_DIR, 'dicom'),
      '--out',
      prediction,
      '--probabilities',
      probabilities,
      '--backend',
      'wasm',
      '--threads',
      '1',
    ]);
    const out = path.join(tmp, 'report.json');
    await run(process.execPath, [
      CLI,
      'metrics',
      '--reference',
      path.join(COLIN_DIR, 'reference-labels.nii.gz'),
      '--prediction',
      prediction,
      '--probabilities',
      probabilities,
      '--out',
      out,
    ]);
    cli = JSON.parse(await readFile(out, 'utf8')) as EvaluationReport;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows the CLI numbers after the CE model ran: reliability, ECE, Brier, uncertain FP/FN', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await openStudyFromList(page, 'Colin27');
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: 60_000 });
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL });
    await page.getByTestId('model-run').click();
    await page.getByTestId('model-result').waitFor({ timeout: 170_000 });
    await page.getByTestId('calibration-summary').waitFor({ timeout: 90_000 });
    expect(cli.calibration!.structures).toHaveLength(7);

    for (const s of cli.structures) {
      await page.getByTestId('calibration-structure').selectOption(String(s.label));
      const summary = await cells(page, 'calibration-summary');
      const get = (k: string) => summary.find((c) => c.key === k)?.value;
      near(get('ece'), s.ece, `${s.label} ECE`);
      near(get('brier'), s.brier, `${s.label} Brier`);
      const cal = cli.calibration!.structures.find((c) => c.label === s.label)!;
      expect(Number(get('regionVoxels')), `${s.label} N`).toBe(cal.regionVoxels);
      const bins = await page
        .getByTestId('reliability-table')
        .evaluate((t) =>
          [...t.querySelectorAll('tr[data-bin]')].map((tr) =>
            Object.fromEntries(
              [...tr.querySelectorAll('td[data-key]')].map((td) => [
                (td as HTMLElement).dataset.key,
                (td as HTMLElement).dataset.value,
              ]),
            ),
          ),
        );
      expect(bins).toHaveLength(cal.reliability.length);
      bins.forEach((b, i) => {
        // bin counts may move by the few voxels whose p differs by 1/255 across a bin edge
        expect(
          Math.abs(Number(b.count) - cal.reliability[i].count),
          `bin ${i}`,
        ).toBeLessThanOrEqual(Math.max(2, cal.reliability[i].count * 1e-4));
        near(b.meanConfidence, cal.reliability[i].meanConfidence, `${s.label} bin ${i} p`);
      });
    }
    await page.getByTestId('reliability-chart').locator('svg').waitFor();

    // FP / FN in uncertain voxels at the default threshold, this model's row
    const shares = await cells(page, 'uncertain-share-table');
    for (const s of cli.structures) {
      for (const k of ['uncertainFpShare', 'uncertainFnShare'] as const) {
        const v = shares.find(
          (c) => c.label === String(s.label) && c.model === CE_MODEL && c.key === k,
        )?.value;
        near(v, s[k], `${s.label} ${k}`);
      }
    }
    // a higher threshold never counts more voxels as uncertain
    const before = shares.map((c) => Number(c.value || 0));
    await page.getByTestId('uncertainty-threshold').fill('0.9');
    await expect
      .poll(async () =>
        (await cells(page, 'uncertain-share-table')).map((c) => Number(c.value || 0)),
      )
      .not.toEqual(before);
    const after = (await cells(page, 'uncertain-share-table')).map((c) => Number(c.value || 0));
    after.forEach((v, i) => expect(v).toBeLessThanOrEqual(before[i] + 1e-12));
  });

  it('shows the uncertainty overlay through the host with its ramp legend', async () => {
    const { page } = browser;
    await page.getByTestId('uncertainty-overlay').check();
    await page.getByTestId('uncertainty-legend').waitFor();
    // the host shows the layer: its per-level voxel counts come back through the host's state
    await expect
      .poll(async () => page.getByTestId('uncertainty-status').count(), { timeout: 60_000 })
      .toBe(1);
    expect(await page.getByTestId('uncertainty-status').innerText()).toMatch(
      /shown: [1-9]\d* voxels/,
    );
    await page.getByTestId('uncertainty-measure').selectOption('margin');
    await expect
      .poll(async () => page.getByTestId('uncertainty-legend').innerText())
      .toMatch(/1 − max p/);
    await saveScreenshot(page, 'calibration-uncertainty');
    await page.getByTestId('uncertainty-overlay').uncheck();
    await expect.poll(async () => page.getByTestId('uncertainty-status').count()).toBe(0);
  });

  it('shows the losses, the Dice identity and the rankings of `concord metrics`', async () => {
    const { page } = browser;
    const table = await cells(page, 'loss-table');
    for (const s of cli.structures) {
      const get = (k: string) =>
        table.find((c) => c.label === String(s.label) && c.key === k)?.value;
      // hard Dice and Jaccard: the same voxels, so equal
      expect(Number(get('dice')), `${s.label} Dice`).toBeCloseTo(s.dice, 12);
      expect(Number(get('identity')), `${s.label} 2J/(1+J)`).toBeCloseTo(s.dice, 12);
      expect(get('bounds')).toBe('ok');
      for (const k of LOSS_KEYS) near(get(k), s[k], `${s.label} ${k}`);
    }
    const rankings = await page
      .getByTestId('loss-rankings')
      .evaluate((t) =>
        Object.fromEntries(
          [...t.querySelectorAll('tr[data-key]')].map((tr) => [
            (tr as HTMLElement).dataset.key,
            (tr as HTMLElement).dataset.ranking,
          ]),
        ),
      );
    // Dice's ranking is exact; a loss's ranking equals the CLI's unless two structures are
    // closer than the tolerance (then the test says which)
    expect(rankings.dice).toBe(cli.losses!.rankings.dice.join(','));
    for (const k of LOSS_KEYS) {
      const values = cli.losses!.rankings[k].map(
        (l) => cli.structures.find((s) => s.label === l)![k] as number,
      );
      const separated = values.every((v, i) => i === 0 || v - values[i - 1] > TOL);
      if (separated) expect(rankings[k], k).toBe(cli.losses!.rankings[k].join(','));
    }
    // Tversky at α = β = 0.5 is the soft Dice loss (up to ε)
    await page.getByTestId('tversky-alpha').fill('0.5');
    await page.getByTestId('tversky-beta').fill('0.5');
    await expect
      .poll(async () => {
        const t = await cells(page, 'loss-table');
        return cli.structures.every((s) => {
          const v = (k: string) =>
            Number(t.find((c) => c.label === String(s.label) && c.key === k)?.value);
          return Math.abs(v('tverskyLoss') - v('softDiceLoss')) < 1e-6;
        });
      })
      .toBe(true);
    await saveScreenshot(page, 'loss-inspector');
  });
});
