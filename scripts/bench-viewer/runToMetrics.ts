/**
 * "Run" to metrics shown in our viewer on the sample: opens the Colin27 study (121 slices) with
 * its reference SEG, runs the shipped cross-entropy model in the browser (WASM) and times the
 * click on Run until the Metrics panel shows the model's metrics (with soft Dice, i.e. from
 * its probabilities) and until the Disagreement and Volumetric-bias views are shown. The main
 * thread's JS heap is polled over CDP throughout (peak; the workers' heaps are not included).
 * Fresh browser profile per run.
 */
import { openBrowser } from '../../tests/helpers/browser.ts';

export const CE_MODEL_LABEL = 'unet2d-colin27-ce 1.0.0';
/**
 * The model's metrics are in the table: it has soft Dice cells only for a prediction with
 * probabilities (in OHIF's narrow panel the column is hidden, hence 'attached').
 */
export const MODEL_METRICS_SHOWN = '[data-testid=metrics-table] td[data-key=softDice]';

export interface RunToMetricsRun {
  firstImageMs: number;
  runToMetricsMs: number;
  runToDisagreementMs: number;
  peakJsHeapMb: number;
  /** Peak size of ArrayBuffer backing stores (labelmaps, probabilities), where CDP reports it. */
  peakArrayBuffersMb: number | null;
}

export async function measureRunToMetrics(
  url: string,
  timeoutMs = 300_000,
): Promise<RunToMetricsRun> {
  const browser = await openBrowser();
  let peak = 0;
  let peakBuffers: number | null = null;
  let polling = true;
  try {
    const { page } = browser;
    const cdp = await browser.context.newCDPSession(page);
    const poll = (async () => {
      while (polling) {
        try {
          const u = (await cdp.send('Runtime.getHeapUsage')) as {
            usedSize: number;
            backingStorageSize?: number;
          };
          peak = Math.max(peak, u.usedSize);
          if (u.backingStorageSize !== undefined)
            peakBuffers = Math.max(peakBuffers ?? 0, u.backingStorageSize);
        } catch {
          /* page navigating */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await page.goto(url, { timeout: timeoutMs });
    await page.waitForFunction(() => !!document.body.dataset.firstImageMs, null, {
      timeout: timeoutMs,
    });
    const firstImageMs = Number(await page.evaluate(() => document.body.dataset.firstImageMs));
    await page.getByTestId('overlay-reference-label-1').waitFor({ timeout: timeoutMs });
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL_LABEL });
    const t0 = Date.now();
    await page.getByTestId('model-run').click();
    await page
      .locator(MODEL_METRICS_SHOWN)
      .first()
      .waitFor({ state: 'attached', timeout: timeoutMs });
    const runToMetricsMs = Date.now() - t0;
    await page.locator('[data-testid=slice-profile] [data-slice]').first().waitFor({
      timeout: timeoutMs,
    });
    await page.getByTestId('volume-bias-table').waitFor({ timeout: timeoutMs });
    const runToDisagreementMs = Date.now() - t0;
    polling = false;
    await poll;
    return {
      firstImageMs,
      runToMetricsMs,
      runToDisagreementMs,
      peakJsHeapMb: peak / 2 ** 20,
      peakArrayBuffersMb: peakBuffers === null ? null : peakBuffers / 2 ** 20,
    };
  } finally {
    polling = false;
    await browser.close();
  }
}
