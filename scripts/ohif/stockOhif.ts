/**
 * Stock OHIF (the prebuilt `@ohif/app` dist from npm, unmodified) with Concord's runtime
 * plugins (dist/ohif/, npm run build:ohif), the sample studies through OHIF's DICOM JSON data
 * source, optionally a DICOMweb server through a same-origin proxy, and COOP/COEP (WASM
 * threads). Used by `npm run start:ohif`, the e2e test and `npm run bench:viewer` (docs/ohif.md).
 * The package is fetched once with `npm pack` into ~/.cache/concord/ohif/ (outside git).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { createStaticServer, listen, parseDicomwebUrl, proxyHandler } from '@concord/cli';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '@concord/core/security';

export const STOCK_OHIF_VERSION = '3.13.2';
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PLUGINS_DIR = path.join(ROOT, 'dist/ohif');
export const SAMPLES_DIR = path.join(ROOT, 'samples');
/** Where Concord's plugins are served on the OHIF origin. */
export const PLUGINS_PREFIX = '/concord/';
const DATA_PREFIX = '/data/';
const MANIFEST_PATH = '/data/ohif-manifest.json';
const DICOMWEB_PREFIX = '/dicomweb/';

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'concord', 'ohif');
}

/** The unmodified `dist/` of @ohif/app, packed from the npm registry once. */
export function ensureStockOhif(version = STOCK_OHIF_VERSION): string {
  const dir = path.join(cacheDir(), version);
  const dist = path.join(dir, 'package', 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  mkdirSync(dir, { recursive: true });
  const tgz = path.join(cacheDir(), `ohif-app-${version}.tgz`);
  if (!existsSync(tgz))
    execFileSync('npm', ['pack', `@ohif/app@${version}`, '--silent'], {
      cwd: cacheDir(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  execFileSync('tar', ['xzf', tgz, '-C', dir]);
  return dist;
}

interface PluginsJson {
  extensions: string[];
  modes: string[];
  modeRoute: string;
}

export function readPlugins(dir = PLUGINS_DIR): PluginsJson {
  const file = path.join(dir, 'plugins.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build:ohif" first`);
  return JSON.parse(readFileSync(file, 'utf8')) as PluginsJson;
}

/** OHIF's app-config.js: Concord's plugins by URL, DICOM JSON (and DICOMweb) data sources. */
export function appConfig(o: { plugins: PluginsJson | null; dicomweb: boolean }): string {
  const url = (f: string) => `${PLUGINS_PREFIX}${f}`;
  const dataSources: unknown[] = [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomjson',
      sourceName: 'dicomjson',
      configuration: { friendlyName: 'Concord sample studies (DICOM JSON)', name: 'json' },
    },
  ];
  if (o.dicomweb)
    dataSources.push({
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'dicomweb',
      configuration: {
        friendlyName: 'DICOMweb (same-origin proxy)',
        name: 'dicomweb',
        wadoUriRoot: '/dicomweb',
        qidoRoot: '/dicomweb',
        wadoRoot: '/dicomweb',
        qidoSupportsIncludeField: false,
        imageRendering: 'wadors',
        thumbnailRendering: 'wadors',
        enableStudyLazyLoad: true,
        supportsFuzzyMatching: false,
        supportsWildcard: true,
        omitQuotationForMultipartRequest: true,
        bulkDataURI: { enabled: true },
      },
    });
  const config = {
    routerBasename: null,
    extensions: o.plugins ? o.plugins.extensions.map(url) : [],
    modes: o.plugins ? o.plugins.modes.map(url) : [],
    customizationService: {},
    showStudyList: true,
    maxNumberOfWebWorkers: 3,
    showWarningMessageForCrossOrigin: false,
    showCPUFallbackMessage: false,
    showLoadingIndicator: true,
    strictZSpacingForVolumeViewport: true,
    defaultDataSourceName: 'dicomjson',
    dataSources,
  };
  return `window.config = ${JSON.stringify(config, null, 2)};\n`;
}

/** The samples' DICOM JSON manifest with absolute instance URLs (OHIF wants them absolute). */
export function ohifManifest(origin: string, samplesDir = SAMPLES_DIR): string {
  const text = readFileSync(path.join(samplesDir, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(text) as {
    studies: Array<{ series: Array<{ instances: Array<{ url: string }> }> }>;
  };
  for (const study of manifest.studies)
    for (const series of study.series)
      for (const inst of series.instances) {
        const rel = inst.url.replace(/^dicomweb:/, '');
        if (!/^https?:/.test(rel)) inst.url = `dicomweb:${origin}${DATA_PREFIX}${rel}`;
      }
  return JSON.stringify(manifest);
}

export interface StockOhifServer {
  origin: string;
  server: http.Server;
  /** The mode (or, without plugins, OHIF's basic viewer) on a study of the DICOM JSON manifest. */
  studyUrl(studyInstanceUID: string, route?: string): string;
  close(): Promise<void>;
}

export async function serveStockOhif(
  o: {
    port?: number;
    host?: string;
    /** Serve Concord's plugins (default true). */
    plugins?: boolean;
    /** A DICOMweb root to proxy at /dicomweb/. */
    dicomweb?: string;
    /** COOP/COEP (default true); false shows what happens without cross-origin isolation. */
    isolation?: boolean;
    ohifDist?: string;
    samplesDir?: string;
    /** Concord's plugins (default dist/ohif/; the bench serves a private copy). */
    pluginsDir?: string;
  } = {},
): Promise<StockOhifServer> {
  const host = o.host ?? '127.0.0.1';
  const dist = o.ohifDist ?? ensureStockOhif();
  const pluginsDir = o.pluginsDir ?? PLUGINS_DIR;
  const plugins = o.plugins === false ? null : readPlugins(pluginsDir);
  const headers = o.isolation === false ? {} : CROSS_ORIGIN_ISOLATION_HEADERS;
  const config = appConfig({ plugins, dicomweb: !!o.dicomweb });
  const proxy = o.dicomweb
    ? proxyHandler({ prefix: DICOMWEB_PREFIX, target: parseDicomwebUrl(o.dicomweb) }, headers)
    : null;
  let manifest = '';
  const mounts = [
    { prefix: DATA_PREFIX, dir: o.samplesDir ?? SAMPLES_DIR },
    { prefix: '/', dir: dist, spaFallback: true },
  ];
  if (plugins) mounts.unshift({ prefix: PLUGINS_PREFIX, dir: pluginsDir });
  const server = createStaticServer({
    host,
    port: o.port ?? 0,
    headers,
    mounts,
    handle: (req, res) => {
      const urlPath = (req.url ?? '').split('?')[0];
      if (urlPath === '/app-config.js') {
        res.writeHead(200, {
          ...headers,
          'Content-Type': 'text/javascript; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
        res.end(config);
        return true;
      }
      if (urlPath === MANIFEST_PATH) {
        res.writeHead(200, {
          ...headers,
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
        res.end(manifest);
        return true;
      }
      return proxy ? proxy(req, res) : false;
    },
  });
  const port = await listen(server, host, o.port ?? 0);
  const origin = `http://${host}:${port}`;
  manifest = ohifManifest(origin, o.samplesDir);
  return {
    origin,
    server,
    studyUrl: (uid, route = plugins?.modeRoute ?? 'viewer') =>
      `${origin}/${route}/dicomjson?url=${encodeURIComponent(`${origin}${MANIFEST_PATH}`)}&StudyInstanceUIDs=${encodeURIComponent(uid)}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
