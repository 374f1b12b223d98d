/**
 * `npm run bench:metrics` (issue 4): on generated atlas cases (never committed, in
 * .bench/metrics), prints side by side in one run: a bare summing pass over both label arrays
 * (the memory-bandwidth floor), our overlap-only and full metrics in-process, the whole
 * `concord metrics` process, `plastimatch dice` summed over the binary masks, and the
 * numpy/scipy reference — as ratios — plus peak memory (/usr/bin/time). Also checks that our
 * numbers equal scipy's on the same case.
 *
 * `concord metrics` and `plastimatch dice` (issue 14: target <= 0.5x) are measured interleaved:
 * BENCH_ROUNDS rounds (default 5), each running both, the order alternating from round to round
 * (ABBA: a slow spell of the shared machine hits both alike); the medians of the wall times, of
 * the CPU times (user + sys, what each process itself spent) and of the per-round ratios are
 * printed.
 *
 *   npm run bench:metrics [-- atlas256 atlas512]
 *   BENCH_HAUSDORFF=1 adds plastimatch dice --all; BENCH_SCIPY=0 skips the scipy reference;
 *   CONCORD_THREADS=n passes --threads n to concord metrics; BENCH_ROUNDS=n rounds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = path.join(ROOT, '.bench/metrics');
const PY = '/usr/bin/python3';
const cases = process.argv.slice(2).length ? process.argv.slice(2) : ['atlas256', 'atlas512'];
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-metrics-'));

interface Timed {
  wallS: number;
  /** user + sys seconds of the process */
  cpuS: number;
  peakMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds and peak RSS of the whole process. */
function timed(cmd: string, args: string[]): Timed {
  const tfile = path.join(tmp, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tfile, cmd, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, kb] = readFileSync(tfile, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  return { wallS: wall, cpuS: user + sys, peakMb: kb / 1024, stdout: r.stdout };
}

/** Several timed runs as one: times summed, peak the largest. */
function sum(runs: Timed[]): Timed {
  return {
    wallS: runs.reduce((a, r) => a + r.wallS, 0),
    cpuS: runs.reduce((a, r) => a + r.cpuS, 0),
    peakMb: Math.max(...runs.map((r) => r.peakMb)),
    stdout: '',
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

const f = (x: number, d = 2) => x.toFixed(d);
const row = (what: string, time: string, note = '') =>
  console.log(`  ${what.padEnd(44)} ${time.padStart(9)}   ${note}`);

for (const name of cases) {
  const dir = path.join(OUT, name);
  if (!existsSync(path.join(dir, 'reference.nii'))) {
    execFileSync(PY, ['scripts/bench-metrics/generate.py', OUT, name], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  const labels = readFileSync(path.join(dir, 'labels.txt'), 'utf8').trim().split(/\s+/);
  const ref = path.join(dir, 'reference.nii');
  const pred = path.join(dir, 'prediction.nii');

  const engine = JSON.parse(
    timed(process.execPath, [
      '--conditions=source', // workspace packages from their TypeScript sources
      '--import',
      'tsx',
      'scripts/bench-metrics/engine-timing.ts',
      dir,
      '3',
    ]).stdout,
  ) as { voxels: number; bareMs: number; overlapMs: number; fullMs: number };
  const inputsMb = (2 * engine.voxels) / 2 ** 20;
  const runConcord = () =>
    timed(process.execPath, [
      'platform/cli/bin/concord.mjs',
      'metrics',
      '--reference',
      ref,
      '--prediction',
      pred,
      '--out',
      path.join(dir, 'concord.json'),
      ...(process.env.CONCORD_THREADS ? ['--threads', process.env.CONCORD_THREADS] : []),
    ]);
  // plastimatch dice compares one binary mask pair per call: all structures, summed
  const runPlastimatch = () =>
    sum(
      labels.map((l) =>
        timed('plastimatch', [
          'dice',
          path.join(dir, `ref-${l}.nii`),
          path.join(dir, `pred-${l}.nii`),
        ]),
      ),
    );
  // interleaved, the order alternating (ABBA), so that load on the shared machine hits both alike
  const rounds: { concord: Timed; plast: Timed }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      const concordRun = runConcord();
      rounds.push({ concord: concordRun, plast: runPlastimatch() });
    } else {
      const plastRun = runPlastimatch();
      rounds.push({ concord: runConcord(), plast: plastRun });
    }
  }
  const concord: Timed = {
    wallS: median(rounds.map((r) => r.concord.wallS)),
    cpuS: median(rounds.map((r) => r.concord.cpuS)),
    peakMb: Math.max(...rounds.map((r) => r.concord.peakMb)),
    stdout: '',
  };
  const plast = median(rounds.map((r) => r.plast.wallS));
  const plastCpu = median(rounds.map((r) => r.plast.cpuS));
  const plastPeak = Math.max(...rounds.map((r) => r.plast.peakMb));
  const wallRatio = median(rounds.map((r) => r.concord.wallS / r.plast.wallS));
  const cpuRatio = median(rounds.map((r) => r.concord.cpuS / r.plast.cpuS));
  let plastHd = 0;
  if (process.env.BENCH_HAUSDORFF === '1') {
    for (const l of labels) {
      plastHd += timed('plastimatch', [
        'dice',
        '--all',
        path.join(dir, `ref-${l}.nii`),
        path.join(dir, `pred-${l}.nii`),
      ]).wallS;
    }
  }
  // the same CLI process with no data: Node + the CLI's modules (not part of the data footprint)
  const idle = timed(process.execPath, ['platform/cli/bin/concord.mjs', '--version']);
  // BENCH_SCIPY=0 skips the scipy reference (minutes on the big case) when re-running
  const withScipy = process.env.BENCH_SCIPY !== '0';
  const scipyOverlap = withScipy
    ? timed(PY, ['scripts/bench-metrics/scipy_reference.py', dir, 'overlap'])
    : null;
  const scipyFull = withScipy
    ? timed(PY, ['scripts/bench-metrics/scipy_reference.py', dir, 'full'])
    : null;

  // our numbers against scipy's on this case
  const ours = JSON.parse(readFileSync(path.join(dir, 'concord.json'), 'utf8')).structures as {
    label: number;
    dice: number;
    hd: number;
    hd95: number;
    assd: number;
  }[];
  const theirs = scipyFull ? (JSON.parse(scipyFull.stdout).structures as typeof ours) : [];
  let dDice = 0;
  let dDist = 0;
  for (const t of theirs) {
    const o = ours.find((s) => s.label === t.label)!;
    dDice = Math.max(dDice, Math.abs(o.dice - t.dice));
    for (const k of ['hd', 'hd95', 'assd'] as const) dDist = Math.max(dDist, Math.abs(o[k] - t[k]));
  }

  const c = concord.wallS;
  console.log(
    `\n${name}: ${engine.voxels.toLocaleString('en')} voxels, ${labels.length} structures, inputs 2 x ${f(inputsMb / 2, 1)} MiB (uint8)`,
  );
  row('bare summing pass over both arrays', `${f(engine.bareMs / 1000, 3)} s`, '1.00 (floor)');
  row(
    'ours, overlap only (in-process)',
    `${f(engine.overlapMs / 1000, 3)} s`,
    `${f(engine.overlapMs / engine.bareMs)} x bare (target <= 3)`,
  );
  row('ours, full metrics (in-process, 1 thread)', `${f(engine.fullMs / 1000)} s`);
  console.log(
    `  concord metrics and plastimatch dice: ${ROUNDS} interleaved rounds (order alternating), medians`,
  );
  row(
    'concord metrics, full (whole process)',
    `${f(c)} s`,
    `peak ${f(concord.peakMb, 0)} MiB = ${f(concord.peakMb / inputsMb)} x inputs (target <= 3); ` +
      `${f((concord.peakMb - idle.peakMb) / inputsMb)} x above the idle CLI's ${f(idle.peakMb, 0)} MiB`,
  );
  row('concord metrics, CPU time (user + sys)', `${f(concord.cpuS)} s`);
  row(
    `plastimatch dice, overlap (${labels.length} masks, summed)`,
    `${f(plast)} s`,
    `concord full / plastimatch (median of rounds) = ${f(wallRatio)} (target <= 0.5: ` +
      `${wallRatio <= 0.5 ? 'met' : 'NOT met'}); peak ${f(plastPeak, 0)} MiB`,
  );
  row(
    'plastimatch dice, CPU time (user + sys)',
    `${f(plastCpu)} s`,
    `concord / plastimatch by CPU time = ${f(cpuRatio)} (target <= 0.5: ${cpuRatio <= 0.5 ? 'met' : 'NOT met'})`,
  );
  if (plastHd) {
    row(
      'plastimatch dice --all (Hausdorff), summed',
      `${f(plastHd)} s`,
      `${f(plastHd / c, 1)} x concord (target > 10)`,
    );
  }
  if (scipyOverlap && scipyFull) {
    row(
      'scipy reference, overlap only (process)',
      `${f(scipyOverlap.wallS)} s`,
      `peak ${f(scipyOverlap.peakMb, 0)} MiB`,
    );
    row(
      'scipy reference, full (process)',
      `${f(scipyFull.wallS)} s`,
      `${f(scipyFull.wallS / c, 1)} x concord (target > 15); peak ${f(scipyFull.peakMb, 0)} MiB`,
    );
  }
  if (scipyFull)
    console.log(
      `  agreement with scipy: max |dDice| = ${dDice.toExponential(1)}, max |dHD/HD95/ASSD| = ${dDist.toExponential(1)} mm`,
    );
}
rmSync(tmp, { recursive: true, force: true });
