/**
 * Calibration, uncertainty and surrogate losses (docs/calibration.md) against an independent
 * implementation: numpy (ECE, reliability bins, Brier, entropy) and torch (the losses), written
 * by tests/fixtures/calibration/generate.py next to the inputs. Every number to 1e-6, counts
 * exactly; the single- and multi-threaded engines and the uncertainty overlay levels too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NIFTI_INTENT, writeNifti, writeNiftiFrames, type LabelVolume } from '@concord/core';
import {
  buildReport,
  computeMetrics,
  LOSS_KEYS,
  reportProblems,
  uncertaintyLabelmap,
  type MetricsResult,
  type ReliabilityBin,
} from '@concord/metrics';
import { computeMetricsParallel } from '@concord/metrics/node';

const FIXTURES = path.resolve('tests/fixtures/calibration');
const SCALARS = ['ece', 'brier', 'uncertainFpShare', 'uncertainFnShare', ...LOSS_KEYS] as const;

interface ExpectedStructure {
  label: number;
  regionVoxels: number;
  region?: { min: number[]; max: number[] };
  reliability?: ReliabilityBin[];
  fpEntropyHistogram?: number[];
  fnEntropyHistogram?: number[];
  [key: string]: unknown;
}
interface Fixture {
  dims: [number, number, number];
  spacing: [number, number, number];
  reference: string;
  prediction: string;
  probabilities: Record<string, string>;
  definitions: Record<string, number>;
  expected: {
    structures: ExpectedStructure[];
    uncertaintyLevels: { entropy: string; margin: string };
  };
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function load(name: string) {
  const f = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
  const grid = {
    dims: f.dims,
    spacing: f.spacing,
    origin: [0, 0, 0] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as LabelVolume['direction'],
  };
  // the prediction declares every class, as a model's labelmap does (so a class it never
  // predicts still pairs with the reference and brings its probabilities)
  const labels = Object.keys(f.probabilities).map((l) => ({
    label: Number(l),
    name: `class ${l}`,
  }));
  const reference: LabelVolume = { ...grid, data: bytes(f.reference), labels };
  const prediction: LabelVolume = { ...grid, data: bytes(f.prediction), labels };
  // p = q / 255 as float32, as the viewer and the CLI hold them
  const probabilities = new Map(
    Object.entries(f.probabilities).map(([l, q]) => [
      Number(l),
      Float32Array.from(bytes(q), (x) => x / 255),
    ]),
  );
  return { f, reference, prediction, probabilities };
}

function close(actual: unknown, expected: unknown, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - (expected as number)), what).toBeLessThanOrEqual(1e-6);
}

function check(name: string, result: MetricsResult, f: Fixture) {
  const p = result.probabilistic!;
  expect(p.definitions).toEqual(f.definitions);
  for (const e of f.expected.structures) {
    const row = result.structures.find((s) => s.label === e.label);
    const what = `${name} label ${e.label}`;
    const cal = p.structures.find((s) => s.label === e.label);
    if (e.regionVoxels === 0) {
      // a class in neither input: not evaluated, or evaluated with nothing to measure
      expect(cal?.regionVoxels ?? 0, `${what} region`).toBe(0);
      for (const k of SCALARS) expect(row?.[k] ?? null, `${what} ${k}`).toBeNull();
      continue;
    }
    expect(cal!.regionVoxels, `${what} region`).toBe(e.regionVoxels);
    expect(cal!.region, `${what} region box`).toEqual(e.region);
    for (const k of SCALARS) close(row![k], e[k], `${what} ${k}`);
    expect(cal!.fpEntropyHistogram, `${what} FP entropy`).toEqual(e.fpEntropyHistogram);
    expect(cal!.fnEntropyHistogram, `${what} FN entropy`).toEqual(e.fnEntropyHistogram);
    e.reliability!.forEach((b, i) => {
      const a = cal!.reliability[i];
      expect(a.count, `${what} bin ${i} count`).toBe(b.count);
      close(a.meanConfidence, b.meanConfidence, `${what} bin ${i} confidence`);
      close(a.observedFrequency, b.observedFrequency, `${what} bin ${i} frequency`);
    });
  }
}

describe.each(['smooth', 'edges'])('probabilistic metrics, fixture %s', (name) => {
  const { f, reference, prediction, probabilities } = load(name);

  it('match numpy and torch to 1e-6 (counts exactly)', () => {
    const result = computeMetrics(reference, prediction, { probabilities });
    check(name, result, f);
    // the identity and bounds the loss inspector shows hold for the hard metrics
    for (const s of result.structures) {
      expect(s.dice).toBeCloseTo((2 * s.jaccard) / (1 + s.jaccard), 12);
      expect(s.jaccard).toBeLessThanOrEqual(s.dice + 1e-15);
      expect(s.dice).toBeLessThanOrEqual(2 * s.jaccard + 1e-15);
    }
    // the report carries them and validates against the schema
    const report = buildReport({
      result,
      reference: { kind: 'nifti', source: 'ref.nii.gz' },
      prediction: { kind: 'nifti', source: 'pred.nii.gz' },
    });
    expect(reportProblems(report)).toEqual([]);
    expect(report.calibration?.structures.length).toBe(result.probabilistic!.structures.length);
    expect(report.losses?.rankings.dice.length).toBeGreaterThan(0);
  });

  it('gives the same numbers on two threads (the CLI engine)', async () => {
    const result = await computeMetricsParallel(
      reference,
      prediction,
      { probabilities },
      { threads: 2 },
    );
    check(name, result, f);
  });

  it('quantises the uncertainty overlay to the levels numpy gives', () => {
    const classes = [...probabilities.entries()].sort((a, b) => a[0] - b[0]).map(([, a]) => a);
    const n = f.dims[0] * f.dims[1] * f.dims[2];
    expect(uncertaintyLabelmap(classes, n, 'entropy')).toEqual(
      bytes(f.expected.uncertaintyLevels.entropy),
    );
    expect(uncertaintyLabelmap(classes, n, 'margin')).toEqual(
      bytes(f.expected.uncertaintyLevels.margin),
    );
  });
});

describe('probabilistic options', () => {
  const { reference, prediction, probabilities } = load('edges');
  it('ranks structures by Dice and by each loss, and honours Tversky weights', () => {
    const r = computeMetrics(reference, prediction, {
      probabilities,
      probabilistic: { tversky: { alpha: 0.5, beta: 0.5 } },
    });
    // α = β = 0.5 is the soft Dice loss (up to where ε enters: 2ε instead of ε)
    for (const s of r.structures)
      if (s.softDiceLoss !== null && s.softDiceLoss !== undefined)
        expect(Math.abs(s.tverskyLoss! - s.softDiceLoss)).toBeLessThan(1e-6);
    const byDice = r.structures
      .filter((s) => s.softDiceLoss !== null && s.softDiceLoss !== undefined)
      .sort((a, b) => b.dice - a.dice || a.label - b.label)
      .map((s) => s.label);
    expect(r.probabilistic!.rankings.dice).toEqual(byDice);
  });
  it('refuses out-of-range options with one line', () => {
    expect(() =>
      computeMetrics(reference, prediction, {
        probabilities,
        probabilistic: { entropyThreshold: 1.5 },
      }),
    ).toThrow(/entropy threshold must lie in \[0, 1\]/);
    expect(() =>
      computeMetrics(reference, prediction, {
        probabilities,
        probabilistic: { tversky: { alpha: -1, beta: 0.7 } },
      }),
    ).toThrow(/Tversky/);
  });
});

describe('concord metrics --probabilities', () => {
  it('reads the 4D NIfTI concord infer writes and reports the same numbers as the engine', async () => {
    const { f, reference, prediction, probabilities } = load('smooth');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-calibration-'));
    try {
      const unlabelled = (v: LabelVolume) => ({ ...v, labels: undefined });
      writeFileSync(path.join(dir, 'ref.nii'), writeNifti(unlabelled(reference)));
      writeFileSync(path.join(dir, 'pred.nii'), writeNifti(unlabelled(prediction)));
      // background first, then q per class; slope 1/255 as `concord infer --probabilities`
      const q = Object.values(f.probabilities).map(bytes);
      const bg = q[0].map((_, i) => 255 - q.reduce((s, a) => s + a[i], 0));
      writeFileSync(
        path.join(dir, 'p.nii.gz'),
        writeNiftiFrames(reference, [bg, ...q], {
          gzip: true,
          scale: { slope: 1 / 255, inter: 0 },
          intent: NIFTI_INTENT.estimate,
        }),
      );
      const { stdout } = await promisify(execFile)(process.execPath, [
        path.resolve('platform/cli/bin/concord.mjs'),
        'metrics',
        '--reference',
        path.join(dir, 'ref.nii'),
        '--prediction',
        path.join(dir, 'pred.nii'),
        '--probabilities',
        path.join(dir, 'p.nii.gz'),
      ]);
      const report = JSON.parse(stdout) as ReturnType<typeof buildReport>;
      const engine = computeMetrics(unlabelled(reference), unlabelled(prediction), {
        probabilities,
      });
      for (const s of engine.structures) {
        const row = report.structures.find((r) => r.label === s.label)!;
        for (const k of SCALARS) expect(row[k], `${s.label} ${k}`).toBe(s[k]);
      }
      expect(report.calibration!.structures.map((s) => s.reliability)).toEqual(
        engine.probabilistic!.structures.map((s) => s.reliability),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
