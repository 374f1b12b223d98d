/**
 * `npm run bench:scale` (issue 14): a TotalSegmentator-scale case — the AAL atlas' 116 regions
 * on a 512x512x300 grid (`-- --scale 0.5` for 256x256x150), a DICOM series, a 116-segment
 * reference SEG and a perturbed prediction SEG — generated once into a cache folder outside git
 * (`.bench/scale/s<scale>`, or BENCH_SCALE_DIR), then measured:
 * - CLI: `concord metrics` SEG vs SEG, whole process: wall time, CPU time (user + sys) and
 *   peak memory (/usr/bin/time). On a shared machine the wall time includes waiting for a core;
 *   the CPU time is what the process itself spent.
 * - Viewer (`concord serve` on the case, Debian Chromium, fresh profile): time to first image,
 *   until the 116-segment reference SEG is shown, until the Metrics panel shows all 116
 *   structures after "Load…" of the prediction SEG, the longest main-thread task outside
 *   rendering (long tasks minus their requestAnimationFrame time, as tests/e2e does), and the
 *   peak memory of the page and of the whole browser (VmHWM of its processes).
 * Each figure is printed with its target and whether it was met. docs/performance.md.
 *
 *   npm run bench:scale [-- --scale 0.5] [-- --cli-only | --viewer-only]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowser } from '../../tests/helpers/browser.ts';
import {
  installLongTaskObserver,
  renderTime,
  type FrameScript,
  type LongTask,
} from '../../tests/helpers/longTasks.ts';
import { startConcordServer } from '../../tests/helpers/server.ts';
import { chromiumPeaks } from './processMemory.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
if (!(scale > 0 && scale <= 1)) throw new Error('--scale takes a number in (0, 1]');
const CACHE = process.env.BENCH_SCALE_DIR ?? path.join(ROOT, '.bench/scale');
const dir = path.join(CACHE, `s${scale}`);
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-scale-'));

interface Case {
  dims: [number, number, number];
  structures: number;
  studyInstanceUID: string;
}

/** Generates the case once (the series, the raw label arrays, then the two SEGs). */
function ensureCase(): Case {
  if (!existsSync(path.join(dir, 'prediction-seg.dcm'))) {
    console.log(`generating the case into ${dir} (once)…`);
    execFileSync('/usr/bin/python3', ['scripts/bench-scale/generate.py', dir, String(scale)], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'scripts/bench-scale/make-segs.ts', dir],
      { cwd: ROOT, stdio: 'inherit' },
    );
  }
  return JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case;
}

const f = (x: number, d = 1) => x.toFixed(d);
function report(what: string, value: number, unit: string, target: number | null, note = '') {
  const verdict = target === null ? '' : value <= target ? 'met' : 'NOT met';
  const t = target === null ? '' : `target <= ${target} ${unit}: ${verdict}`;
  console.log(
    `  ${what.padEnd(52)} ${`${f(value)} ${unit}`.padStart(10)}   ${[t, note].filter(Boolean).join('; ')}`,
  );
}

/** `concord metrics` SEG vs SEG as a whole process. */
function measureCli(c: Case) {
  const tfile = path.join(tmp, 'time.txt');
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %U %S %M',
      '-o',
      tfile,
      process.execPath,
      'platform/cli/bin/concord.mjs',
      'metrics',
      '--reference',
      path.join(dir, 'study/reference-seg.dcm'),
      '--prediction',
      path.join(dir, 'prediction-seg.dcm'),
      '--series',
      path.join(dir, 'study/dicom'),
      '--out',
      path.join(tmp, 'metrics.json'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`concord metrics failed: ${r.stderr}`);
  const [wall, user, sys, kb] = readFileSync(tfile, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  const out = JSON.parse(readFileSync(path.join(tmp, 'metrics.json'), 'utf8')) as {
    structures: unknown[];
  };
  console.log(`\nCLI: concord metrics, 116-segment SEG vs SEG, ${c.dims.join('x')}`);
  report('wall time (whole process)', wall, 's', 15, `${out.structures.length} structures`);
  report('CPU time (user + sys)', user + sys, 's', 15, 'the wall time on an idle core');
  report('peak memory (RSS)', kb / 1024, 'MiB', null);
}

async function measureViewer(c: Case) {
  const server = await startConcordServer([path.join(dir, 'study')]);
  const browser = await openBrowser();
  const timeout = 600_000;
  try {
    const { page } = browser;
    await browser.context.addInitScript(installLongTaskObserver);
    await page.goto(
      `${server.url.replace(/\/$/, '')}/viewer/model-vs-annotator?StudyInstanceUIDs=${c.studyInstanceUID}`,
    );
    await page.waitForFunction(() => !!document.body.dataset.firstImageMs, null, { timeout });
    const firstImageMs = Number(await page.evaluate(() => document.body.dataset.firstImageMs));
    // BENCH_PROFILE_REFERENCE=file.cpuprofile: the main thread from the first image to the SEG
    const refCdp = process.env.BENCH_PROFILE_REFERENCE
      ? await browser.context.newCDPSession(page)
      : null;
    await refCdp?.send('Profiler.enable');
    await refCdp?.send('Profiler.start');
    // the reference is shown once its structure list exists (Cornerstone has its segmentation)
    await page.getByTestId('overlay-reference-list').waitFor({ state: 'attached', timeout });
    const segShownMs = await page.evaluate(() => performance.now());
    if (refCdp) {
      const { profile } = (await refCdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(process.env.BENCH_PROFILE_REFERENCE!, JSON.stringify(profile));
    }
    const referenceCount = await page.locator('[data-testid=overlay-reference-list] li').count();
    // BENCH_PROFILE=file.cpuprofile: the main thread's CPU profile from "Load…" to the metrics
    const cdp = process.env.BENCH_PROFILE ? await browser.context.newCDPSession(page) : null;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    await page
      .locator('[data-testid=overlay-prediction] input[type=file]')
      .setInputFiles(path.join(dir, 'prediction-seg.dcm'));
    const loadAt = await page.evaluate(() => performance.now());
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=metrics-table] tbody tr').length >= n,
      c.structures,
      { timeout, polling: 100 },
    );
    const metricsMs = await page.evaluate(() => performance.now());
    // the disagreement products follow the numbers: their view (structure list, slice profile)
    await page.getByTestId('disagreement-structure').waitFor({ state: 'attached', timeout });
    const disagreementMs = await page.evaluate(() => performance.now());
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    }
    const { tasks, scripts } = await page.evaluate(() => {
      const w = window as unknown as { __longtasks: LongTask[]; __frameScripts: FrameScript[] };
      return { tasks: w.__longtasks, scripts: w.__frameScripts };
    });
    // from the first image on: before it, the page's own scripts load and compile
    const ranked = tasks
      .filter((t) => t.start >= firstImageMs)
      .map((t) => ({ ...t, own: t.duration - renderTime(t, scripts) }))
      .sort((a, b) => b.own - a.own);
    const worst = ranked[0];
    if (process.env.BENCH_VERBOSE)
      for (const t of ranked.slice(0, 8))
        console.log(
          `    long task at ${f(t.start / 1000, 2)} s: ${f(t.duration, 0)} ms, ${f(t.own, 0)} ms outside rendering`,
        );
    if (process.env.BENCH_VERBOSE)
      console.log(
        '    DOM elements per side-panel section:',
        await page.evaluate(() =>
          [...document.querySelectorAll('[data-testid=right-panel] > *')]
            .map(
              (e) =>
                `${e.getAttribute('data-testid') ?? e.tagName}: ${e.querySelectorAll('*').length}`,
            )
            .join(', '),
        ),
      );
    const before = tasks.filter((t) => t.start < firstImageMs);
    const heap = (await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? 0,
    )) as number;
    console.log(
      `\nViewer: Concord's viewer, headless Chromium, ${c.dims.join('x')} (times from navigation start)`,
    );
    report('first image', firstImageMs / 1000, 's', null);
    report(`reference SEG shown (${referenceCount} structures)`, segShownMs / 1000, 's', 10);
    report(
      `Metrics panel shows all ${c.structures} structures`,
      metricsMs / 1000,
      's',
      20,
      `of which ${f((metricsMs - loadAt) / 1000)} s from "Load…" of the prediction SEG`,
    );
    report(
      'Disagreement view shown (products of 116 structures)',
      disagreementMs / 1000,
      's',
      null,
      `${f((disagreementMs - metricsMs) / 1000)} s after the metrics`,
    );
    report(
      'longest main-thread task outside rendering',
      worst ? worst.own : 0,
      'ms',
      100,
      `from the first image on, ${ranked.length} long tasks (> 50 ms); before it ` +
        `${before.length}, longest ${f(Math.max(0, ...before.map((t) => t.duration)), 0)} ms (loading the page)`,
    );
    report('main-thread JS heap at the end', heap / 2 ** 20, 'MiB', null);
    // the peaks, read before the browser closes: the page (main thread + its workers) and all
    const peaks = chromiumPeaks();
    const renderer = peaks.find((p) => p.type === 'renderer');
    report(
      'peak memory, page (renderer: main thread + workers)',
      renderer?.peakMiB ?? NaN,
      'MiB',
      null,
      'VmHWM',
    );
    report(
      'peak memory, browser (sum over its processes)',
      peaks.reduce((sum, p) => sum + p.peakMiB, 0),
      'MiB',
      null,
      peaks.map((p) => `${p.type} ${f(p.peakMiB, 0)}`).join(', '),
    );
    // where the time went: the viewer's user timings (concord:*), first start to last end
    const phases = await page.evaluate(() => {
      const out: Record<string, { start: number; end: number; n: number; sum: number }> = {};
      for (const m of performance.getEntriesByType('measure')) {
        if (!m.name.startsWith('concord:')) continue;
        const p = (out[m.name] ??= { start: m.startTime, end: 0, n: 0, sum: 0 });
        p.end = Math.max(p.end, m.startTime + m.duration);
        p.n++;
        p.sum += m.duration;
      }
      return out;
    });
    console.log('  phases (user timings, s from navigation start; busy = summed durations):');
    for (const [name, p] of Object.entries(phases).sort((a, b) => a[1].start - b[1].start))
      console.log(
        `    ${name.padEnd(36)} ${f(p.start / 1000, 2).padStart(7)} -> ${f(p.end / 1000, 2).padStart(7)}` +
          `   ${p.n} x, busy ${f(p.sum / 1000, 2)} s`,
      );
  } finally {
    await browser.close();
    await server.stop();
  }
}

const c = ensureCase();
console.log(`bench:scale: ${c.dims.join('x')}, ${c.structures} structures (${dir})`);
if (!args.includes('--viewer-only')) measureCli(c);
if (!args.includes('--cli-only')) {
  if (!existsSync(path.join(ROOT, 'platform/app/dist/index.html')))
    throw new Error('the viewer is not built: npm run build');
  await measureViewer(c);
}
rmSync(tmp, { recursive: true, force: true });
