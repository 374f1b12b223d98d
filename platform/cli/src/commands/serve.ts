import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, buildDicomJsonManifest, type DicomJsonManifest } from '@concord/core';
import { SECURITY_HEADERS } from '@concord/core/security';
import { createStaticServer, listen } from '../server/staticServer.ts';
import { parseDicomwebUrl, proxyHandler } from '../server/dicomwebProxy.ts';

export const APP_DIST = fileURLToPath(new URL('../../../app/dist', import.meta.url));
/** The embedded sample studies (DICOM files + their DICOM JSON manifest). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../../../samples', import.meta.url));
/** Model manifests (+ .onnx files) offered in the viewer's Model panel. */
export const MODELS_DIR = fileURLToPath(
  new URL('../../../../platform/inference/models', import.meta.url),
);
export const MODELS_PREFIX = '/models/';
export const DATA_PREFIX = '/data/';
export const DICOMWEB_PREFIX = '/dicomweb/';
export const MANIFEST_NAME = 'manifest.json';

export interface ServeOptions {
  port: number;
  host: string;
  appDir?: string;
  /** Folder of DICOM files served as the DICOM JSON data source (default: the sample). */
  folder?: string;
  /** DICOMweb root reached through the same-origin proxy at /dicomweb/. */
  dicomweb?: string;
}

/** What rebaseManifest reads and writes of a DICOM JSON manifest: the instance URLs. */
type InstanceUrls = { studies: Array<{ series: Array<{ instances: Array<{ url: string }> }> }> };

/**
 * The folder's DICOM JSON manifest with instance URLs under /data/ on our origin: its own
 * manifest.json when it has one (e.g. written by `concord index`), else indexed now.
 */
export async function loadManifest(
  folder: string,
): Promise<{ manifest: DicomJsonManifest; skipped: { name: string; reason: string }[] }> {
  const file = path.join(folder, MANIFEST_NAME);
  if (!existsSync(file)) {
    const { manifest, skipped } = await buildDicomJsonManifest(folder, { baseUrl: DATA_PREFIX });
    return { manifest, skipped };
  }
  let manifest: DicomJsonManifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as DicomJsonManifest;
  } catch (e) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(manifest?.studies))
    throw new InvalidInputError(`${file} is not a DICOM JSON manifest (no "studies" array)`);
  return { manifest: rebaseManifest(manifest), skipped: [] };
}

/** Relative instance URLs (relative to the folder) become `dicomweb:/data/<path>`. */
export function rebaseManifest<M extends InstanceUrls>(manifest: M): M {
  for (const study of manifest.studies)
    for (const series of study.series)
      for (const inst of series.instances) {
        const bare = inst.url.replace(/^(dicomweb|wadouri):/, '');
        if (/^[a-z]+:/i.test(bare) || bare.startsWith('/')) continue;
        inst.url = `dicomweb:${DATA_PREFIX}${bare.split('/').map(encodeURIComponent).join('/')}`;
      }
  return manifest;
}

/** The concord.model/v1 manifests in a folder, as the viewer's model list. */
export async function listModels(
  dir: string,
): Promise<Array<{ name: string; manifestUrl: string }>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const models: Array<{ name: string; manifestUrl: string; conform: boolean }> = [];
  for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const m = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as {
        schema?: string;
        name?: string;
        version?: string;
        file?: string;
        preprocessing?: { resample?: string };
      };
      if (m.schema !== 'concord.model/v1' || !m.file || !existsSync(path.join(dir, m.file)))
        continue;
      models.push({
        name: `${m.name ?? file} ${m.version ?? ''}`.trim(),
        manifestUrl: `${MODELS_PREFIX}${encodeURIComponent(file)}`,
        conform: m.preprocessing?.resample === 'conform',
      });
    } catch {
      /* not a manifest */
    }
  }
  // the first model is the Model panel's default: FreeSurfer-conformed models (the shipped one
  // is a small test network, platform/inference/models/training-log.md) come after the others
  return models
    .sort((a, b) => Number(a.conform) - Number(b.conform))
    .map(({ name, manifestUrl }) => ({ name, manifestUrl }));
}

/** The /app-config.json the viewer loads at start: which data sources this server offers. */
export function viewerConfig(opts: {
  dicomweb?: string;
  folderName: string;
  models?: Array<{ name: string; manifestUrl: string }>;
}) {
  const dataSources: Array<Record<string, string>> = [
    {
      name: 'local',
      type: 'dicomjson',
      friendlyName: opts.folderName,
      url: `${DATA_PREFIX}${MANIFEST_NAME}`,
    },
  ];
  if (opts.dicomweb)
    dataSources.unshift({
      name: 'dicomweb',
      type: 'dicomweb',
      friendlyName: `DICOMweb (${opts.dicomweb})`,
      root: DICOMWEB_PREFIX.replace(/\/$/, ''),
    });
  return { dataSources, defaultDataSourceName: dataSources[0].name, models: opts.models ?? [] };
}

/**
 * `concord serve`: the built viewer with our security headers, a folder of DICOM files as
 * its DICOM JSON data source and, optionally, a same-origin proxy to a DICOMweb server.
 * Bound to loopback by default.
 */
export async function serve(options: ServeOptions): Promise<{
  url: string;
  skipped: { name: string; reason: string }[];
  close: () => Promise<void>;
}> {
  const appDir = options.appDir ?? APP_DIST;
  if (!existsSync(path.join(appDir, 'index.html'))) {
    throw new InvalidInputError(
      `The viewer is not built (${appDir}/index.html missing): run "npm run build" first`,
    );
  }
  const folder = path.resolve(options.folder ?? SAMPLE_DIR);
  const s = await stat(folder).catch(() => null);
  if (!s?.isDirectory()) throw new InvalidInputError(`${folder} is not a folder`);
  const indexed = await loadManifest(folder);
  if (indexed.manifest.studies.length === 0)
    throw new InvalidInputError(
      `${folder}: no DICOM studies found${indexed.skipped.length ? ` (${indexed.skipped.length} files skipped, e.g. ${indexed.skipped[0].name}: ${indexed.skipped[0].reason})` : ''}`,
    );
  const manifest = JSON.stringify(indexed.manifest);
  const config = JSON.stringify(
    viewerConfig({
      dicomweb: options.dicomweb,
      folderName: options.folder ? path.basename(folder) : 'Sample studies',
      models: await listModels(MODELS_DIR),
    }),
  );
  const proxy = options.dicomweb
    ? proxyHandler(
        { prefix: DICOMWEB_PREFIX, target: parseDicomwebUrl(options.dicomweb) },
        SECURITY_HEADERS,
      )
    : null;
  const json = (res: import('node:http').ServerResponse, body: string) => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  };

  const server = createStaticServer({
    host: options.host,
    port: options.port,
    mounts: [
      { prefix: DATA_PREFIX, dir: folder },
      { prefix: MODELS_PREFIX, dir: MODELS_DIR },
      { prefix: '/', dir: appDir, spaFallback: true },
    ],
    handle: (req, res) => {
      const urlPath = (req.url ?? '/').split('?')[0];
      if (urlPath === '/app-config.json') return (json(res, config), true);
      if (urlPath === `${DATA_PREFIX}${MANIFEST_NAME}`) return (json(res, manifest), true);
      return proxy ? proxy(req, res) : false;
    },
  });
  const port = await listen(server, options.host, options.port);
  const url = `http://${options.host}:${port}/`;
  return {
    url,
    skipped: indexed.skipped,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
