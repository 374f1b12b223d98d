/** Page helpers for the viewer e2e tests: open a study, read the viewport's pixels. */
import type { Page } from 'playwright-core';
import {
  isNumericMetric,
  METRICS,
  PROBABILISTIC_METRICS,
  type NumericMetricKey,
} from '@concord/metrics';
import { decodePng } from '@concord/reports';

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** The viewport as rendered (a PNG screenshot of the element, decoded). */
export async function viewportPixels(page: Page, testId = 'viewport-stack'): Promise<Pixels> {
  const png = await page.getByTestId(testId).screenshot();
  const img = decodePng(new Uint8Array(png));
  return {
    width: img.width,
    height: img.height,
    channels: img.data.length / (img.width * img.height),
    data: img.data,
  };
}

/** Pixels within `tol` (max channel difference) of a colour. */
export function countColour(p: Pixels, rgb: readonly number[], tol = 40): number {
  let n = 0;
  for (let i = 0; i < p.data.length; i += p.channels) {
    if (
      Math.abs(p.data[i] - rgb[0]) <= tol &&
      Math.abs(p.data[i + 1] - rgb[1]) <= tol &&
      Math.abs(p.data[i + 2] - rgb[2]) <= tol
    )
      n++;
  }
  return n;
}

/** Clearly coloured pixels (the image itself is greyscale). */
export function countColoured(p: Pixels, minChroma = 60): number {
  let n = 0;
  for (let i = 0; i < p.data.length; i += p.channels) {
    const r = p.data[i];
    const g = p.data[i + 1];
    const b = p.data[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) >= minChroma) n++;
  }
  return n;
}

/** Opens the study whose row contains `rowText` from the study list; waits for the first image. */
export async function openStudyFromList(page: Page, rowText: string): Promise<number> {
  await page.getByTestId('study-row').filter({ hasText: rowText }).first().click();
  await page.getByTestId('open-study').click();
  await page.waitForFunction(() => !!document.body.dataset.firstImageMs, null, {
    timeout: 60_000,
  });
  return Number(await page.evaluate(() => document.body.dataset.firstImageMs));
}

/**
 * The one-number metrics the Metrics table shows as columns (from the METRICS registry): every
 * field a report row always has, plus the soft ones when the model gave probabilities.
 */
export function tableMetricKeys(soft: boolean): NumericMetricKey[] {
  // calibration and the surrogate losses have panels of their own (the calibration steps)
  const ownPanel = new Set<string>(PROBABILISTIC_METRICS.map((m) => m.key));
  return METRICS.filter(
    (m) =>
      isNumericMetric(m) &&
      m.key !== 'label' &&
      !ownPanel.has(m.key) &&
      (m.presence === 'required' || (soft && m.presence === 'soft')),
  ).map((m) => m.key as NumericMetricKey);
}

/** Metrics table rows as {label -> {column key -> value}} from the cells' data-value. */
export async function metricsTable(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.getByTestId('metrics-table').evaluate((table) => {
    const out: Record<string, Record<string, string>> = {};
    for (const tr of table.querySelectorAll('tbody tr')) {
      const row: Record<string, string> = {};
      for (const td of tr.querySelectorAll('td'))
        row[(td as HTMLElement).dataset.key ?? ''] = (td as HTMLElement).dataset.value ?? '';
      out[(tr as HTMLElement).dataset.label ?? ''] = row;
    }
    return out;
  });
}
