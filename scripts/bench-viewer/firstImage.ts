/**
 * Time to first image, measured the same way for any Cornerstone3D viewer (ours and stock
 * OHIF): milliseconds from navigation start to the first CORNERSTONE_IMAGE_RENDERED event
 * whose viewport canvas has non-black pixels. Each run uses a fresh browser profile (cold cache).
 */
import { openBrowser } from '../../tests/helpers/browser.ts';

/** Installed before any page script: listens in the capture phase (the event does not bubble). */
const HOOK = `(() => {
  window.__firstImageMs = null;
  const nonBlack = (el) => {
    const canvas = el && el.querySelector ? el.querySelector('canvas') : null;
    if (!canvas || !canvas.width) return false;
    const ctx = canvas.getContext('2d');
    if (!ctx) return false;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4 * 7) if (data[i] > 8 || data[i + 1] > 8 || data[i + 2] > 8) return true;
    return false;
  };
  document.addEventListener('CORNERSTONE_IMAGE_RENDERED', (e) => {
    if (window.__firstImageMs !== null) return;
    if (nonBlack(e.target)) window.__firstImageMs = performance.now();
  }, true);
})();`;

export interface FirstImageRun {
  firstImageMs: number;
  peakJsHeapMb: number | null;
}

export async function measureFirstImage(url: string, timeoutMs = 120_000): Promise<FirstImageRun> {
  const browser = await openBrowser();
  try {
    await browser.context.addInitScript(HOOK);
    const { page } = browser;
    await page.goto(url, { timeout: timeoutMs });
    await page.waitForFunction(
      () => (window as unknown as { __firstImageMs: number | null }).__firstImageMs !== null,
      null,
      {
        timeout: timeoutMs,
        polling: 50,
      },
    );
    const firstImageMs = await page.evaluate(
      () => (window as unknown as { __firstImageMs: number }).__firstImageMs,
    );
    const heap = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? null,
    );
    return { firstImageMs, peakJsHeapMb: heap === null ? null : heap / 2 ** 20 };
  } finally {
    await browser.close();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
