/**
 * The stock OHIF viewer (prebuilt `@ohif/app` 3.13.2 `dist` from npm) as a benchmark peer,
 * configured to the same data through its DICOM JSON data source (docs/platform-notes.md).
 * The package is fetched with `npm pack` into .bench/ (gitignored), never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { createStaticServer, listen } from '@concord/cli/server';

export const STOCK_OHIF_VERSION = '3.13.2';

export function ensureStockOhif(benchDir: string): string {
  const dir = path.join(benchDir, 'ohif');
  const dist = path.join(dir, 'package', 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `@ohif/app@${STOCK_OHIF_VERSION}`, '--silent'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync('tar', ['xzf', `ohif-app-${STOCK_OHIF_VERSION}.tgz`], { cwd: dir });
  return dist;
}

const APP_CONFIG = `window.config = {
  routerBasename: null,
  extensions: [],
  modes: [],
  customizationService: {},
  showStudyList: true,
  maxNumberOfWebWorkers: 3,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: false,
  showLoadingIndicator: true,
  strictZSpacingForVolumeViewport: true,
  defaultDataSourceName: 'dicomjson',
  dataSources: [{
    namespace: '@ohif/extension-default.dataSourcesModule.dicomjson',
    sourceName: 'dicomjson',
    configuration: { friendlyName: 'dicom json', name: 'json' },
  }],
};`;

/**
 * Serves stock OHIF with our config, the data folder under /data/ and, at
 * /data/stock-manifest.json, a DICOM JSON manifest with absolute instance URLs (as OHIF wants).
 */
export async function serveStockOhif(
  dist: string,
  dataDir: string,
  makeManifest: (origin: string) => Promise<unknown>,
): Promise<{ origin: string; server: http.Server }> {
  let manifest = '';
  const server = createStaticServer({
    host: '127.0.0.1',
    port: 0,
    headers: {}, // stock OHIF as it ships, without our CSP
    mounts: [
      { prefix: '/data/', dir: dataDir },
      { prefix: '/', dir: dist, spaFallback: true },
    ],
    handle: (req, res) => {
      const urlPath = (req.url ?? '').split('?')[0];
      if (urlPath === '/app-config.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(APP_CONFIG);
        return true;
      }
      if (urlPath === '/data/stock-manifest.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(manifest);
        return true;
      }
      return false;
    },
  });
  const port = await listen(server, '127.0.0.1', 0);
  const origin = `http://127.0.0.1:${port}`;
  manifest = JSON.stringify(await makeManifest(origin));
  return { origin, server };
}
