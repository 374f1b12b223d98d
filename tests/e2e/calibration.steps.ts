/**
 * Calibration view, uncertainty overlay and loss inspector end to end (issue 16, docs/
 * calibration.md). These steps run inside the disagreement e2e (tests/e2e/disagreement.test.ts),
 * after it ran the shipped cross-entropy model in the browser: one browser, one model run and
 * one `concord infer` for both. The numbers the panels show are compared with `concord infer
 * --probabilities` + `concord metrics --probabilities` on the same model and series (WASM, as
 * in the browser).
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { LOSS_KEYS, type EvaluationReport } from '@concord/metrics';
import { saveScreenshot } from '../helpers/browser.ts';

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

/**
 * Registers the calibration steps in the calling describe block. `state` gives the page on
 * which the CE model has run and the CLI's report on the same prediction and probabilities.
 */
export function calibrationSteps(state: () => { page: Page; cli: EvaluationReport }) {
  it('shows the CLI numbers after the CE model ran: reliability, ECE, Brier, uncertain FP/FN', async () => {
    const { page, cli } = state();
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
    const { page } = state();
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
    const { page, cli } = state();
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
}
