import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, saveScreenshot, type BrowserSession } from '../helpers/browser.ts';
import { startConcordServer, type RunningServer } from '../helpers/server.ts';

describe('smoke: concord serve + Chromium', () => {
  let server: RunningServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startConcordServer();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the viewer with CSP and cross-origin isolation headers', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('boots the OHIF managers and registers every extension without console errors', async () => {
    const { page, errors } = browser;
    await page.goto(server.url);
    const status = page.getByTestId('boot-status');
    await status.waitFor({ timeout: 60_000 });
    const text = await status.innerText();
    for (const id of [
      '@concord/extension-onnx-inference',
      '@concord/extension-segmentation-metrics',
      '@concord/extension-disagreement',
      '@concord/extension-report-export',
    ]) {
      expect(text).toContain(id);
    }
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await saveScreenshot(page, 'smoke-boot');
    expect(errors).toEqual([]);
  });
});
