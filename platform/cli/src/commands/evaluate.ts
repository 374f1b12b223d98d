/**
 * `concord evaluate` (DESIGN §3.5): runs a model on a DICOM series, compares its labelmap with
 * the annotator's reference (DICOM SEG or NIfTI) and writes every export into one folder:
 * prediction SEG, report JSON, CSV, PDF and the TID 1500 SR.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import {
  alignToReference,
  groupDicomFilesBySeries,
  InvalidInputError,
  readDicomSeg,
  readDicomSeries,
  readNiftiLabels,
  type DicomSeriesResult,
  type LabelVolume,
} from '@concord/core';
import { runInference, type InferenceResult } from '@concord/inference';
import { createNodeBackend, loadModelFromFile } from '@concord/inference/node';
import { buildReport, computeMetrics, type EvaluationReport } from '@concord/metrics';
import {
  buildEvaluationExports,
  EXPORT_FILE_NAMES,
  fetchStowStore,
  stowExports,
  type ExportKind,
} from '@concord/reports';
import packageJson from '../../package.json' with { type: 'json' };
import { parseTolerances } from './metrics.ts';

export interface EvaluateOptions {
  model: string;
  input: string;
  reference: string;
  out: string;
  includePhi?: boolean;
  /** DICOMweb server to STOW the SEG and SR to, after the local files are written */
  dicomweb?: string;
  backend?: 'auto' | 'wasm' | 'native';
  threads?: number;
  tolerancesMm?: number[];
  /** Show a progress bar (default: when stderr is a TTY). */
  progress?: boolean;
}

export interface EvaluateResult {
  report: EvaluationReport;
  inference: InferenceResult;
  /** absolute paths of the written files */
  files: Record<ExportKind, string>;
  /** what STOW-RS stored on `dicomweb` */
  stored: string[];
}

const STAGES = ['read', 'inference', 'metrics', 'exports', 'write', 'stow'] as const;

/** An overall progress bar over the stages (inference advances it by batches). */
function stageProgress(enabled: boolean) {
  const bar = enabled
    ? new cliProgress.SingleBar(
        {
          format: ' evaluate |{bar}| {percentage}% {stage}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(100, 0, { stage: 'reading' });
  const at = (stage: (typeof STAGES)[number], fraction = 0) => {
    const i = STAGES.indexOf(stage);
    // inference is the long stage: it gets 60% of the bar, the others 10% each
    const starts = [0, 10, 70, 80, 90, 95];
    const width = stage === 'inference' ? 60 : stage === 'write' || stage === 'stow' ? 5 : 10;
    bar?.update(Math.round(starts[i] + width * Math.min(1, fraction)), { stage });
  };
  return { at, stop: () => bar?.stop() };
}

async function readSeriesFolder(dir: string): Promise<DicomSeriesResult> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new InvalidInputError(`Input ${dir} does not exist`);
  }
  if (!info.isDirectory()) {
    throw new InvalidInputError(
      `Input ${dir}: concord evaluate needs a DICOM series folder (its SEG and SR reference the series)`,
    );
  }
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const files = await Promise.all(
    names.map(async (name) => ({
      name,
      bytes: new Uint8Array(await readFile(path.join(dir, name))),
    })),
  );
  const { series } = groupDicomFilesBySeries(files);
  const images = series.filter((s) => s.modality !== 'SEG' && s.modality !== 'SR');
  if (images.length === 0) throw new InvalidInputError(`No DICOM image series in ${dir}`);
  if (images.length > 1) {
    throw new InvalidInputError(
      `${dir} holds ${images.length} image series (${images.map((s) => s.seriesInstanceUID).join(', ')}); give a folder with one`,
    );
  }
  return readDicomSeries(images[0].files);
}

/** The reference labelmap on the series grid: a DICOM SEG of that series, or a NIfTI labelmap. */
async function readReference(
  file: string,
  series: DicomSeriesResult,
  classNames: Map<number, string>,
): Promise<LabelVolume> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new InvalidInputError(
      `Cannot read reference ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  if (/\.nii(\.gz)?$/i.test(file)) {
    return alignToReference(readNiftiLabels(bytes), series.volume);
  }
  const seg = readDicomSeg(bytes, series);
  // segments named like the model's classes are matched by name, otherwise by number
  const byName = new Map([...classNames].map(([l, n]) => [n.trim().toLowerCase(), l]));
  const map = new Map<number, number>();
  const allNamed = seg.segments.every((s) => byName.has(s.name.trim().toLowerCase()));
  for (const s of seg.segments) {
    map.set(s.label, allNamed ? byName.get(s.name.trim().toLowerCase())! : s.label);
  }
  const identity = [...map].every(([a, b]) => a === b);
  if (identity) return seg.labels;
  const out = new Uint16Array(seg.labels.data.length);
  seg.labels.data.forEach((v, i) => (out[i] = v ? (map.get(v) ?? v) : 0));
  return { ...seg.labels, data: out };
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const progress = stageProgress(options.progress ?? Boolean(process.stderr.isTTY));
  try {
    const model = await loadModelFromFile(options.model);
    const { manifest } = model;
    const series = await readSeriesFolder(options.input);
    const classes = manifest.classes.filter((c) => c.label !== 0);
    const names = new Map(classes.map((c) => [c.label, c.name]));
    const reference = await readReference(options.reference, series, names);

    progress.at('inference');
    const backend = await createNodeBackend(options.backend === 'wasm' ? 'wasm' : 'native', model, {
      threads: options.threads,
    });
    let inference: InferenceResult;
    try {
      inference = await runInference(series.volume, manifest, {
        backend,
        probabilities: true,
        onProgress: (p) => {
          if (p.stage === 'inference') progress.at('inference', p.done / Math.max(1, p.total));
        },
      });
    } finally {
      await backend.release();
    }
    const prediction = alignToReference(inference.labels, reference);

    progress.at('metrics');
    const probabilities = inference.probabilities
      ? new Map(
          inference.probabilities.labels.map((l, c) => [
            l,
            Float32Array.from(inference.probabilities!.data[c], (x) => x / 255),
          ]),
        )
      : undefined;
    const result = computeMetrics(reference, prediction, {
      labels: classes.map((c) => c.label),
      tolerancesMm: options.tolerancesMm,
      probabilities,
      labelNames: names,
    });
    const report = buildReport({
      result,
      reference: {
        kind: /\.nii(\.gz)?$/i.test(options.reference) ? 'nifti' : 'dicom-seg',
        source: path.basename(options.reference),
      },
      prediction: {
        kind: 'model',
        source: path.basename(model.modelPath),
        model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 },
        backend: inference.backend,
        inferenceMs: inference.timings.totalMs,
      },
      case: {
        studyInstanceUID: series.studyInstanceUID,
        seriesInstanceUID: series.seriesInstanceUID,
      },
      tool: { name: 'concord', version: packageJson.version },
    });

    progress.at('exports');
    const exports = await buildEvaluationExports({
      report,
      series,
      reference,
      prediction: { ...prediction, labels: classes },
      segments: classes.map((c) => ({ label: c.label, name: c.name, color: c.color })),
      algorithm: { name: manifest.name, version: manifest.version },
      includePhi: options.includePhi,
    });

    // the local files are the export of record: written before anything is sent anywhere
    progress.at('write');
    await mkdir(options.out, { recursive: true });
    const files = {} as Record<ExportKind, string>;
    for (const kind of Object.keys(EXPORT_FILE_NAMES) as ExportKind[]) {
      const file = path.resolve(options.out, EXPORT_FILE_NAMES[kind]);
      await writeFile(file, exports.files[kind]);
      files[kind] = file;
    }
    let stored: string[] = [];
    if (options.dicomweb) {
      progress.at('stow');
      ({ stored } = await stowExports(
        fetchStowStore(options.dicomweb),
        [
          { name: 'prediction SEG', bytes: exports.files.seg },
          { name: 'measurement report SR', bytes: exports.files.sr },
        ],
        path.resolve(options.out),
      ));
    }
    progress.at('stow', 1);
    return { report, inference, files, stored };
  } finally {
    progress.stop();
  }
}

/** The one-line summary of `concord evaluate`. */
export function evaluateSummary(r: EvaluateResult, out: string, dicomweb?: string): string {
  const s = r.report.summary;
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  return (
    `${r.report.prediction.model?.name ?? 'model'} on ${r.inference.backend}: ` +
    `mean Dice ${fmt(s.meanDice)} (pooled ${fmt(s.pooledDice)}) over ${s.structuresEvaluated} structures, ` +
    `inference ${(r.inference.timings.totalMs / 1000).toFixed(1)} s; ` +
    `wrote ${Object.keys(r.files).length} files to ${out}` +
    (r.stored.length ? `; sent ${r.stored.join(' and ')} to ${dicomweb}` : '') +
    '\n'
  );
}

function parseBackend(v: string): 'auto' | 'wasm' | 'native' {
  if (v !== 'auto' && v !== 'wasm' && v !== 'native')
    throw new InvalidArgumentError('must be auto, wasm or native');
  return v;
}

/** Registers `concord evaluate` (DESIGN §3.5). */
export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description(
      'run a model on a DICOM series, compare with the reference and write SEG, SR, JSON, CSV and PDF',
    )
    .requiredOption('--model <manifest>', 'model manifest (.json next to the .onnx)')
    .requiredOption('--input <series>', 'DICOM series folder')
    .requiredOption('--reference <seg>', 'reference DICOM SEG of the series (or NIfTI labelmap)')
    .requiredOption('--out <dir>', 'output folder (created when missing)')
    .option('--include-phi', 'put patient name, ID and birth date into the CSV and PDF', false)
    .option('--dicomweb <url>', 'also STOW-RS the SEG and SR to this DICOMweb server')
    .option('--tolerance <mm>', 'NSD tolerances in mm, e.g. 1,2', parseTolerances)
    .option(
      '--backend <name>',
      'auto | wasm (onnxruntime-web) | native (onnxruntime-node)',
      parseBackend,
      'auto',
    )
    .action(
      async (opts: {
        model: string;
        input: string;
        reference: string;
        out: string;
        includePhi: boolean;
        dicomweb?: string;
        tolerance?: number[];
        backend: 'auto' | 'wasm' | 'native';
      }) => {
        const result = await evaluate({ ...opts, tolerancesMm: opts.tolerance });
        process.stdout.write(evaluateSummary(result, opts.out, opts.dicomweb));
      },
    );
}
