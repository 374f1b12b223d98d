/**
 * Stock OHIF 3.13.2 with Concord's runtime plugins (docs/ohif.md), the two figures of issue 12,
 * each measured in one run with its peer, interleaved (machine load hits both alike), fresh
 * browser profile per run, median of N:
 * - first image in OHIF's basic viewer route with the plugins registered vs the same stock
 *   OHIF without them (target <= 1.1x); Concord's mode is timed beside them for information;
 * - "Run" -> the model's metrics shown, in Concord's mode in stock OHIF vs Concord's own viewer,
 *   on the sample (Colin27 + reference SEG, shipped CE model, WASM) (target <= 1.2x).
 */
import { openBrowser } from '../../tests/helpers/browser.ts';
import { measureFirstImage, median } from './firstImage.ts';
import { serveStockOhif, STOCK_OHIF_VERSION } from '../ohif/stockOhif.ts';
import { CE_MODEL_LABEL, MODEL_METRICS_SHOWN, measureRunToMetrics } from './runToMetrics.ts';

export const FIRST_IMAGE_TARGET = 1.1;
export const RUN_TO_METRICS_TARGET = 1.2;

/**
 * "Run" -> the model's metrics shown in Concord's mode in stock OHIF: Model tab, Run, then the
 * Metrics tab (OHIF mounts only the active tab), until the table has the model's soft Dice
 * column, the same end point as in Concord's own viewer (runToMetrics.ts). Also the time to the
 * model's result in the Model panel (its labelmap shown), to tell inference from what follows.
 */
export async function runToMetricsInOhif(
  url: string,
  timeoutMs = 300_000,
): Promise<{ runToResultMs: number; runToMetricsMs: number }> {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(url, { timeout: timeoutMs });
    await page.locator('[data-cy="model-btn"]').click({ timeout: timeoutMs });
    await page
      .locator('[data-testid=concord-reference-status][data-state=shown]')
      .waitFor({ timeout: timeoutMs });
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL_LABEL });
    const t0 = Date.now();
    await page.getByTestId('model-run').click();
    await page
      .locator('[data-testid=model-result], [data-testid=model-error]')
      .first()
      .waitFor({ timeout: timeoutMs });
    if (await page.getByTestId('model-error').count())
      throw new Error(
        `model run failed in OHIF: ${await page.getByTestId('model-error').innerText()}`,
      );
    const runToResultMs = Date.now() - t0;
    await page.locator('[data-cy="metrics-btn"]').click({ timeout: timeoutMs });
    await page
      .locator(MODEL_METRICS_SHOWN)
      .first()
      .waitFor({ state: 'attached', timeout: timeoutMs });
    return { runToResultMs, runToMetricsMs: Date.now() - t0 };
  } finally {
    await browser.close();
  }
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;
const verdict = (ratio: number, target: number) =>
  `${ratio.toFixed(2)} (target <= ${target}) ${ratio <= target ? 'MET' : 'NOT MET'}`;

/** First image: stock OHIF without / with Concord's plugins registered / Concord's mode. */
export async function benchOhifFirstImage(
  runs: number,
  studyUID: string,
  studyName: string,
  pluginsDir: string,
) {
  const without = await serveStockOhif({ plugins: false });
  const withPlugins = await serveStockOhif({ pluginsDir });
  const urls = {
    without: without.studyUrl(studyUID, 'viewer'),
    withRegistered: withPlugins.studyUrl(studyUID, 'viewer'),
    mode: withPlugins.studyUrl(studyUID),
  };
  const times: Record<keyof typeof urls, number[]> = { without: [], withRegistered: [], mode: [] };
  try {
    process.stderr.write(
      `bench:viewer — stock OHIF ${STOCK_OHIF_VERSION} with/without Concord's plugins, first image, ${studyName}, ${runs} runs each, interleaved\n`,
    );
    for (let i = 0; i < runs; i++) {
      // alternate which goes first, so that a warm-up or load trend favours neither
      const order = Object.keys(urls) as Array<keyof typeof urls>;
      if (i % 2) order.reverse();
      for (const k of order) {
        const r = await measureFirstImage(urls[k]);
        times[k].push(r.firstImageMs);
        process.stderr.write(`  ${k} run ${i + 1}/${runs}: ${r.firstImageMs.toFixed(0)} ms\n`);
      }
    }
  } finally {
    await without.close();
    await withPlugins.close();
  }
  const m = {
    without: median(times.without),
    withRegistered: median(times.withRegistered),
    mode: median(times.mode),
  };
  const ratio = m.withRegistered / m.without;
  console.log('');
  console.log(
    `stock OHIF ${STOCK_OHIF_VERSION}, first image of ${studyName} (DICOM JSON), median of ${runs}:`,
  );
  console.log(`  without Concord's plugins (route /viewer)          ${fmt(m.without)}`);
  console.log(`  with them registered (route /viewer)               ${fmt(m.withRegistered)}`);
  console.log(`  Concord's mode (route /model-vs-annotator)         ${fmt(m.mode)}`);
  console.log(`  with / without: ${verdict(ratio, FIRST_IMAGE_TARGET)}`);
  return {
    study: studyName,
    median: m,
    ratio,
    target: FIRST_IMAGE_TARGET,
    met: ratio <= FIRST_IMAGE_TARGET,
    runs: times,
  };
}

/**
 * "Run" -> metrics shown on the sample in stock OHIF (Concord's mode) and in Concord's own
 * viewer (`concordUrl`), interleaved. Concord's runs keep their full record (heap, disagreement).
 */
export async function benchOhifRunToMetrics(
  runs: number,
  colinUID: string,
  concordUrl: string,
  pluginsDir: string,
) {
  const ohif = await serveStockOhif({ pluginsDir });
  const ohifUrl = ohif.studyUrl(colinUID);
  const inOhif: number[] = [];
  const ohifResult: number[] = [];
  const concord: Awaited<ReturnType<typeof measureRunToMetrics>>[] = [];
  try {
    process.stderr.write(
      `bench:viewer — Run -> metrics on the sample, stock OHIF ${STOCK_OHIF_VERSION} vs Concord's viewer, ${runs} runs each, interleaved\n`,
    );
    for (let i = 0; i < runs; i++) {
      const steps = [
        async () => {
          const r = await runToMetricsInOhif(ohifUrl);
          inOhif.push(r.runToMetricsMs);
          ohifResult.push(r.runToResultMs);
          process.stderr.write(
            `  stock OHIF run ${i + 1}/${runs}: metrics ${r.runToMetricsMs} ms (model result ${r.runToResultMs} ms)\n`,
          );
        },
        async () => {
          const r = await measureRunToMetrics(concordUrl);
          concord.push(r);
          process.stderr.write(
            `  Concord run ${i + 1}/${runs}: metrics ${r.runToMetricsMs} ms, disagreement views ${r.runToDisagreementMs} ms, peak heap ${r.peakJsHeapMb.toFixed(1)} MB + ${(r.peakArrayBuffersMb ?? NaN).toFixed(1)} MB ArrayBuffers\n`,
          );
        },
      ];
      if (i % 2) steps.reverse();
      for (const step of steps) await step();
    }
  } finally {
    await ohif.close();
  }
  const m = {
    ohif: median(inOhif),
    ohifModelResult: median(ohifResult),
    concord: median(concord.map((r) => r.runToMetricsMs)),
  };
  const ratio = m.ohif / m.concord;
  console.log('');
  console.log(
    `Run -> model's metrics shown on the sample (Colin27, shipped CE model, WASM), median of ${runs}:`,
  );
  console.log(`  Concord's viewer                                   ${fmt(m.concord)}`);
  console.log(`  stock OHIF ${STOCK_OHIF_VERSION}, Concord's mode                 ${fmt(m.ohif)}`);
  console.log(`    of which Run -> the model's result (Model panel)    ${fmt(m.ohifModelResult)}`);
  console.log(`  OHIF / Concord: ${verdict(ratio, RUN_TO_METRICS_TARGET)}`);
  return {
    median: m,
    ratio,
    target: RUN_TO_METRICS_TARGET,
    met: ratio <= RUN_TO_METRICS_TARGET,
    runs: {
      ohif: inOhif,
      ohifModelResult: ohifResult,
      concord: concord.map((r) => r.runToMetricsMs),
    },
    concordRuns: concord,
  };
}
