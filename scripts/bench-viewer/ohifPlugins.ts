/**
 * Stock OHIF 3.13.2 with and without Concord's runtime plugins (docs/ohif.md), same server, same
 * sample (Colin27, DICOM JSON), fresh profile per run: first image in OHIF's basic viewer route
 * without the plugins, with them registered, and in Concord's mode; then "Run" -> metrics shown
 * in the mode (Model tab: Run; Metrics tab once the model's result is shown).
 */
import { openBrowser } from '../../tests/helpers/browser.ts';
import { measureFirstImage, median } from './firstImage.ts';
import { serveStockOhif, STOCK_OHIF_VERSION } from '../ohif/stockOhif.ts';
import { CE_MODEL_LABEL } from './runToMetrics.ts';

async function runToMetricsInOhif(url: string, timeoutMs = 300_000): Promise<number> {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(url);
    await page.locator('[data-cy="model-btn"]').click({ timeout: timeoutMs });
    await page
      .locator('[data-testid=concord-reference-status][data-state=shown]')
      .waitFor({ timeout: timeoutMs });
    await page.getByTestId('model-select').selectOption({ label: CE_MODEL_LABEL });
    const t0 = Date.now();
    await page.getByTestId('model-run').click();
    await page.getByTestId('model-result').waitFor({ timeout: timeoutMs });
    await page.locator('[data-cy="metrics-btn"]').click();
    await page.getByTestId('metrics-table').waitFor({ timeout: timeoutMs });
    return Date.now() - t0;
  } finally {
    await browser.close();
  }
}

export async function benchOhifPlugins(runs: number, colinUID: string) {
  const without = await serveStockOhif({ plugins: false });
  const withPlugins = await serveStockOhif();
  const urls = {
    without: without.studyUrl(colinUID, 'viewer'),
    withRegistered: withPlugins.studyUrl(colinUID, 'viewer'),
    mode: withPlugins.studyUrl(colinUID),
  };
  const times: Record<keyof typeof urls, number[]> = { without: [], withRegistered: [], mode: [] };
  const runToMetrics: number[] = [];
  try {
    process.stderr.write(
      `bench:viewer — stock OHIF ${STOCK_OHIF_VERSION} with/without Concord's plugins, Colin27, ${runs} runs each\n`,
    );
    for (let i = 0; i < runs; i++) {
      // interleaved, so that machine load hits all three alike
      for (const k of Object.keys(urls) as Array<keyof typeof urls>) {
        const r = await measureFirstImage(urls[k]);
        times[k].push(r.firstImageMs);
        process.stderr.write(`  ${k} run ${i + 1}/${runs}: ${r.firstImageMs.toFixed(0)} ms\n`);
      }
    }
    for (let i = 0; i < runs; i++) {
      const ms = await runToMetricsInOhif(urls.mode);
      runToMetrics.push(ms);
      process.stderr.write(`  Run -> metrics in OHIF run ${i + 1}/${runs}: ${ms} ms\n`);
    }
  } finally {
    await without.close();
    await withPlugins.close();
  }
  const m = {
    without: median(times.without),
    withRegistered: median(times.withRegistered),
    mode: median(times.mode),
    runToMetrics: median(runToMetrics),
  };
  const ratio = m.withRegistered / m.without;
  console.log('');
  console.log(
    `stock OHIF ${STOCK_OHIF_VERSION} on Colin27 (DICOM JSON), first image, median of ${runs}:`,
  );
  console.log(
    `  without Concord's plugins (route /viewer)         ${m.without.toFixed(0).padStart(7)} ms`,
  );
  console.log(
    `  with them registered (route /viewer)              ${m.withRegistered.toFixed(0).padStart(7)} ms`,
  );
  console.log(
    `  Concord's mode (route /model-vs-annotator)        ${m.mode.toFixed(0).padStart(7)} ms`,
  );
  console.log(
    `  ratio with / without: ${ratio.toFixed(2)} (target <= 1.1) ${ratio <= 1.1 ? 'MET' : 'MISSED'}`,
  );
  console.log(
    `  Run -> metrics shown in OHIF (CE model, WASM)     ${m.runToMetrics.toFixed(0).padStart(7)} ms`,
  );
  return { ...m, ratio, runs: { ...times, runToMetrics } };
}
