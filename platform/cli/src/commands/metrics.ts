import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import {
  alignToReference,
  InvalidInputError,
  readDicomSeg,
  readDicomSeries,
  readNiftiLabels,
  type DicomSeriesResult,
  type LabelVolume,
} from '@concord/core';
import { computeMetricsParallel } from '@concord/metrics/node';
import {
  buildReport,
  reportProblems,
  type EvaluationReport,
  type InputKind,
} from '@concord/metrics';
import { writeReportCsv } from '@concord/reports';
import packageJson from '../../package.json' with { type: 'json' };

export interface MetricsCommandOptions {
  reference: string;
  prediction: string;
  /** Folder of the DICOM series a SEG refers to (needed for DICOM SEG inputs). */
  series?: string;
  /** Exactly these labels (from `--labels 1,2,5` or the keys of a names file). */
  labels?: number[];
  /** Label names (from `--labels names.json` or `--names`). */
  names?: Map<number, string>;
  tolerancesMm?: number[];
  format: 'json' | 'csv';
  out?: string;
  /** Threads for the surface pass (default 1). */
  threads?: number;
}

/** `--tolerance 1,2` -> [1, 2] (mm, non-negative). */
export function parseTolerances(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => s === '') || out.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new InvalidArgumentError('expected non-negative numbers in mm, e.g. 1,2');
  }
  return out;
}

/** `--labels 1,2,5` -> [1, 2, 5]. */
export function parseLabelList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => s === '') || out.some((x) => !Number.isInteger(x) || x < 1 || x > 65535)) {
    throw new InvalidArgumentError('expected labels 1-65535 separated by commas, e.g. 1,2,5');
  }
  return out;
}

/**
 * Reads a label-name map: `{"1": "Liver", ...}`, `[{"label": 1, "name": "Liver"}, ...]` or
 * `{"structures": [{"label": 1, "name": "Liver"}, ...]}` (samples/structures.json).
 */
export function readLabelNames(file: string): Map<number, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError(`cannot read label names ${file}: ${(e as Error).message}`);
  }
  const list =
    json && typeof json === 'object' && !Array.isArray(json) && 'structures' in json
      ? (json as { structures: unknown }).structures
      : json;
  const entries: [unknown, unknown][] = Array.isArray(list)
    ? list.map((x) => [(x as { label?: unknown })?.label, (x as { name?: unknown })?.name])
    : Object.entries(list as object);
  const names = new Map<number, string>();
  for (const [k, v] of entries) {
    const label = Number(k);
    if (!Number.isInteger(label) || label < 1 || label > 65535 || typeof v !== 'string') {
      throw new InvalidInputError(
        `label names ${file}: expected {"<label>": "<name>"} or [{"label": n, "name": "..."}]`,
      );
    }
    names.set(label, v);
  }
  if (names.size === 0) throw new InvalidInputError(`label names ${file} list no labels`);
  return names;
}

function readBytes(file: string, what: string): Uint8Array {
  try {
    const b = readFileSync(file);
    // a plain Uint8Array view (no copy): Buffer#slice would not copy, Uint8Array#slice does
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`cannot read ${what} ${file}${code ? ` (${code})` : ''}`);
  }
}

function isDicom(bytes: Uint8Array): boolean {
  return (
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/** Reads every DICOM file of a folder (recursively) as one series. */
async function readSeriesFolder(dir: string): Promise<DicomSeriesResult> {
  const files: { name: string; bytes: Uint8Array }[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InvalidInputError(`cannot read series folder ${d}${code ? ` (${code})` : ''}`);
    }
    for (const n of entries.sort()) {
      const f = path.join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else {
        const bytes = readBytes(f, 'series file');
        if (isDicom(bytes)) files.push({ name: n, bytes });
      }
    }
  };
  walk(dir);
  if (files.length === 0) throw new InvalidInputError(`no DICOM files in series folder ${dir}`);
  return readDicomSeries(files);
}

/** What a labelmap file held: the volume, its kind, and (for a SEG) its series. */
export interface LabelInput {
  volume: LabelVolume;
  kind: InputKind;
  series?: DicomSeriesResult;
}

/** Shown with exit code 2 when an input needs an option that was not given. */
function usageError(message: string): never {
  process.stderr.write(`concord: ${message}\n`);
  throw new CommanderError(2, 'concord.usage', message);
}

/**
 * Reads a labelmap file: NIfTI (.nii, .nii.gz), or a DICOM SEG mapped onto the grid of the
 * series in `seriesDir` (read once and shared through `cache`).
 */
export async function readLabelFile(
  file: string,
  what: 'reference' | 'prediction',
  seriesDir: string | undefined,
  cache: { series?: Promise<DicomSeriesResult> } = {},
): Promise<LabelInput> {
  const bytes = readBytes(file, what);
  if (!isDicom(bytes)) return { volume: readNiftiLabels(bytes), kind: 'nifti' };
  if (!seriesDir) {
    usageError(
      `${what} ${file} is DICOM: give the folder of the series it segments with --series <dir>`,
    );
  }
  cache.series ??= readSeriesFolder(seriesDir);
  const series = await cache.series;
  const seg = readDicomSeg(bytes, series);
  return { volume: seg.labels, kind: 'dicom-seg', series };
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

/** Computes the report of `concord metrics` (no output). */
export async function metricsReport(o: MetricsCommandOptions): Promise<EvaluationReport> {
  const cache = {};
  const ref = await readLabelFile(o.reference, 'reference', o.series, cache);
  collectGarbage();
  const pred = await readLabelFile(o.prediction, 'prediction', o.series, cache);
  collectGarbage();
  // DESIGN §3.1: compared in world space; a prediction stored flipped, permuted or on a smaller
  // field of view is resampled (nearest neighbour) onto the reference grid
  const aligned = alignToReference(pred.volume, ref.volume);
  const result = await computeMetricsParallel(
    ref.volume,
    aligned,
    { labels: o.labels, labelNames: o.names, tolerancesMm: o.tolerancesMm },
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
  });
  const problems = reportProblems(report);
  if (problems.length) throw new Error(`internal: report breaks its schema: ${problems[0]}`);
  return report;
}

/** `concord metrics`: the report as JSON or CSV on stdout or in --out. */
export async function runMetrics(o: MetricsCommandOptions): Promise<void> {
  const report = await metricsReport(o);
  const text = o.format === 'csv' ? writeReportCsv(report) : JSON.stringify(report, null, 2) + '\n';
  if (o.out) writeFileSync(o.out, text);
  else process.stdout.write(text);
}

/** Adds `concord metrics` (DESIGN §3.5) to the program. */
export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description('per-structure segmentation metrics of a prediction against a reference')
    .requiredOption('--reference <file>', 'reference labelmap (.nii, .nii.gz or DICOM SEG)')
    .requiredOption('--prediction <file>', 'predicted labelmap (.nii, .nii.gz or DICOM SEG)')
    .option('--series <dir>', 'DICOM series folder that DICOM SEG inputs refer to')
    .option(
      '--labels <list|names.json>',
      'evaluate exactly these labels: 1,2,5 or a JSON name map (default: labels present in either)',
      (v: string) => (/\.json$/i.test(v) ? v : parseLabelList(v)),
    )
    .option('--names <names.json>', 'label names only (all present labels are evaluated)')
    .option('--tolerance <mm,...>', 'NSD tolerances in mm', parseTolerances, [1, 2])
    .option(
      '--format <json|csv>',
      'output format',
      (v: string) => {
        if (v !== 'json' && v !== 'csv') throw new InvalidArgumentError('must be json or csv');
        return v;
      },
      'json',
    )
    .option('--out <file>', 'write the report here instead of stdout')
    .option('--threads <n>', 'threads for the surface distances (default 1)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be 1-64');
      return n;
    })
    .action(
      async (opts: {
        reference: string;
        prediction: string;
        series?: string;
        labels?: number[] | string;
        names?: string;
        tolerance: number[];
        format: 'json' | 'csv';
        out?: string;
        threads?: number;
      }) => {
        let labels: number[] | undefined;
        let names: Map<number, string> | undefined;
        if (Array.isArray(opts.labels)) labels = opts.labels;
        else if (opts.labels !== undefined) {
          names = readLabelNames(opts.labels);
          labels = [...names.keys()];
        }
        if (opts.names) names = new Map([...(names ?? []), ...readLabelNames(opts.names)]);
        await runMetrics({
          reference: opts.reference,
          prediction: opts.prediction,
          series: opts.series,
          labels,
          names,
          tolerancesMm: opts.tolerance,
          format: opts.format,
          out: opts.out,
          threads: opts.threads,
        });
      },
    );
}
