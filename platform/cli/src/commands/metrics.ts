import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CommanderError } from 'commander';
import {
  alignToReference,
  type DicomSeriesResult,
  type LabelVolume,
  type StructureCodes,
} from '@concord/core';
import { readLabelFile, readSeriesFolder, type LabelFile } from '@concord/core/node';
import { computeMetricsParallel } from '@concord/metrics/node';
import { buildReport, reportProblems, type EvaluationReport } from '@concord/metrics';
import packageJson from '../../package.json' with { type: 'json' };
import { instanceOptions, type LesionMatchOption, type MatchOption } from '../options.ts';
import { readLabelDefinitions, type LabelDefinition } from './names.ts';
import { writeOutputs } from '../outputs.ts';

export interface MetricsCommandOptions {
  reference: string;
  prediction: string;
  /** Folder of the DICOM series a SEG refers to (needed for DICOM SEG inputs). */
  series?: string;
  /** Exactly these labels (from `--labels 1,2,5` or the keys of a names file). */
  labels?: number[];
  /** Label names (from `--labels names.json` or `--names`). */
  names?: Map<number, string>;
  /** Label codes from a names file (`code` entries): given to NIfTI inputs' structures. */
  codes?: Map<number, StructureCodes>;
  tolerancesMm?: number[];
  format: 'json' | 'csv';
  out?: string;
  /** Threads for the surface pass (default 1). */
  threads?: number;
  /** How reference and prediction structures are paired (default auto: docs/structures.md). */
  match?: MatchOption;
  /** Leave the pairing warnings to the report (`warnings`) instead of stderr (concord cohort). */
  quiet?: boolean;
  /** Structures evaluated lesion-wise too (docs/metrics.md#lesion-wise-evaluation). */
  instances?: number[];
  connectivity?: 6 | 26;
  lesionMatch?: LesionMatchOption;
  /** Also write the lesion table (CSV) to this file. */
  lesionsCsv?: string;
  /** Per-class probabilities (4D NIfTI, frame t = label t): soft metrics, calibration, losses. */
  probabilities?: string;
  /** Tversky weights and the entropy threshold (docs/calibration.md). */
  tversky?: { alpha: number; beta: number };
  entropyThreshold?: number;
}

export { readLabelDefinitions, readLabelNames, type LabelDefinition } from './names.ts';

/** Shown with exit code 2 when an input needs an option that was not given. */
function usageError(message: string): never {
  process.stderr.write(`concord: ${message}\n`);
  throw new CommanderError(2, 'concord.usage', message);
}

/**
 * Reads a labelmap file: NIfTI (.nii, .nii.gz), or a DICOM SEG or RTSTRUCT mapped onto the
 * grid of the series in `seriesDir` (its geometry only, read once and shared through `cache`). What the reader
 * notes (an RTSTRUCT's skipped POINT ROIs, empty ROIs) goes to stderr, one line each.
 */
export async function readLabelInput(
  file: string,
  what: 'reference' | 'prediction',
  seriesDir: string | undefined,
  cache: { series?: Promise<DicomSeriesResult> } = {},
): Promise<LabelFile> {
  const read = await readLabelFile(file, {
    what,
    series: () => {
      if (!seriesDir) {
        usageError(
          `${what} ${file} is DICOM: give the folder of the series it segments with --series <dir>`,
        );
      }
      // the grid is all a SEG or RTSTRUCT needs: the images' pixel data is not read (a
      // 512x512x300 series is 157 MB of it); `series.volume.data` is empty
      return (cache.series ??= readSeriesFolder(seriesDir, {
        what: 'series folder',
        pixels: false,
      }));
    },
  });
  for (const note of read.notes ?? [])
    process.stderr.write(`concord: note: ${what} ${path.basename(file)}: ${note}\n`);
  return read;
}

/**
 * Runs a full garbage collection when the runtime allows it. Decoding a labelmap leaves
 * transient copies of the file (file buffer, decoded bytes) that V8 would otherwise keep until
 * the metric pass allocates; collecting them here keeps the peak near inputs + one box.
 */
function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // not available (e.g. another embedder): the peak is just higher
  }
}

/**
 * A NIfTI labelmap's structures named and coded from a names file that has codes, so that they
 * pair by code with a SEG's (docs/cli.md); DICOM SEG structures keep their own.
 */
function withNames(
  v: LabelVolume,
  kind: string,
  o: Pick<MetricsCommandOptions, 'names' | 'codes'>,
): LabelVolume {
  // names alone reach the report through labelNames, as before; only codes need the structures
  if (kind !== 'nifti' || !o.codes || v.labels) return v;
  const labels = [...new Set([...(o.names?.keys() ?? []), ...(o.codes?.keys() ?? [])])]
    .sort((a, b) => a - b)
    .map((label) => {
      const code = o.codes?.get(label);
      return {
        label,
        name: o.names?.get(label) ?? `Label ${label}`,
        ...(code ? { codes: code } : {}),
      };
    });
  return { ...v, labels };
}

/** Computes the report of `concord metrics` (no output). */
export async function metricsReport(o: MetricsCommandOptions): Promise<EvaluationReport> {
  const cache = {};
  const ref = await readLabelInput(o.reference, 'reference', o.series, cache);
  collectGarbage();
  const pred = await readLabelInput(o.prediction, 'prediction', o.series, cache);
  collectGarbage();
  // compared in world space (docs/metrics.md); a prediction stored flipped, permuted or on a smaller
  // field of view is resampled (nearest neighbour) onto the reference grid
  const aligned = alignToReference(withNames(pred.volume, pred.kind, o), ref.volume);
  const probabilities = o.probabilities
    ? (await import('./probabilities.ts')).readProbabilities(o.probabilities, ref.volume)
    : undefined;
  const result = await computeMetricsParallel(
    withNames(ref.volume, ref.kind, o),
    aligned,
    {
      labels: o.labels,
      labelNames: o.names,
      tolerancesMm: o.tolerancesMm,
      match: o.match,
      instances: instanceOptions(o),
      probabilities,
      probabilistic: { tversky: o.tversky, entropyThreshold: o.entropyThreshold },
    },
    // one thread unless asked: on the shared 2-core machine of the benchmarks, a second
    // thread was slower (no idle core to run it)
    { threads: o.threads ?? 1 },
  );
  const series = ref.series ?? pred.series;
  const report = buildReport({
    result,
    reference: { kind: ref.kind, source: path.basename(o.reference) },
    prediction: { kind: pred.kind, source: path.basename(o.prediction) },
    case: series
      ? { studyInstanceUID: series.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID }
      : undefined,
    tool: { name: 'concord', version: packageJson.version },
    match: o.match,
  });
  // what the user must know (structures on one side only, ambiguous codes): one line each
  if (!o.quiet) for (const w of result.warnings) process.stderr.write(`concord: warning: ${w}\n`);
  const problems = reportProblems(report);
  if (problems.length) throw new Error(`internal: report breaks its schema: ${problems[0]}`);
  return report;
}

/** `concord metrics`: the report as JSON or CSV on stdout or in --out. */
export async function runMetrics(o: MetricsCommandOptions): Promise<void> {
  const report = await metricsReport(o);
  // the reports package (PDF, SR, ...) is loaded only for CSV output
  const reports = o.format === 'csv' || o.lesionsCsv ? await import('@concord/reports') : null;
  const text =
    o.format === 'csv' ? reports!.writeReportCsv(report) : JSON.stringify(report, null, 2) + '\n';
  // the lesion table is a second CSV (docs/cli.md): written with the report, all or nothing
  const lesions = o.lesionsCsv
    ? [{ path: o.lesionsCsv, bytes: reports!.writeReportLesionCsv(report) ?? '' }]
    : [];
  if (o.out) await writeOutputs([{ path: o.out, bytes: text }, ...lesions]);
  else {
    if (lesions.length) await writeOutputs(lesions);
    process.stdout.write(text);
  }
}

/** The options of `concord metrics` as commander parses them. */
export interface MetricsCliOptions {
  reference: string;
  prediction: string;
  series?: string;
  labels?: number[] | string;
  names?: string;
  tolerance: number[];
  format: 'json' | 'csv';
  out?: string;
  threads?: number;
  match?: MatchOption;
  instances?: number[];
  connectivity?: 6 | 26;
  lesionMatch?: LesionMatchOption;
  lesionsCsv?: string;
  probabilities?: string;
  tversky?: { alpha: number; beta: number };
  entropyThreshold?: number;
}

/** `concord metrics` (docs/cli.md): reads the label names, then runs the metrics. */
export async function metricsAction(opts: MetricsCliOptions): Promise<void> {
  let labels: number[] | undefined;
  let defs = new Map<number, LabelDefinition>();
  if (Array.isArray(opts.labels)) labels = opts.labels;
  else if (opts.labels !== undefined) {
    defs = readLabelDefinitions(opts.labels);
    labels = [...defs.keys()];
  }
  if (opts.names) defs = new Map([...defs, ...readLabelDefinitions(opts.names)]);
  const names = defs.size ? new Map([...defs].map(([l, d]) => [l, d.name])) : undefined;
  const codes = new Map([...defs].flatMap(([l, d]) => (d.code ? [[l, d.code] as const] : [])));
  await runMetrics({
    reference: opts.reference,
    prediction: opts.prediction,
    series: opts.series,
    labels,
    names,
    codes: codes.size ? codes : undefined,
    tolerancesMm: opts.tolerance,
    format: opts.format,
    out: opts.out,
    threads: opts.threads,
    match: opts.match,
    instances: opts.instances,
    connectivity: opts.connectivity,
    lesionMatch: opts.lesionMatch,
    lesionsCsv: opts.lesionsCsv,
    probabilities: opts.probabilities,
    tversky: opts.tversky,
    entropyThreshold: opts.entropyThreshold,
  });
}
