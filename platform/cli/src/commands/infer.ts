import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'fflate';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import {
  groupDicomFilesBySeries,
  InvalidInputError,
  readDicomSeries,
  readNifti,
  writeDicomSeg,
  writeNifti,
  type DicomSeriesResult,
  type LabelVolume,
  type Volume,
} from '@concord/core';
import {
  runInference,
  type ClassProbabilities,
  type InferenceProgress,
  type InferenceResult,
} from '@concord/inference';
import {
  createNodeBackend,
  loadModelFromFile,
  type NodeBackendKind,
} from '@concord/inference/node';

export type InferBackendOption = 'auto' | 'wasm' | 'native';

export interface InferOptions {
  model: string;
  input: string;
  out: string;
  probabilities?: string;
  backend: InferBackendOption;
  threads?: number;
  /** Show a progress bar (default: when stderr is a TTY). */
  progress?: boolean;
}

const isNifti = (p: string) => /\.nii(\.gz)?$/i.test(p);
const isDicom = (p: string) => /\.dcm$/i.test(p);

/** A NIfTI file or a folder holding one DICOM series -> volume (+ DICOM context). */
export async function readInputVolume(
  input: string,
): Promise<{ volume: Volume; series?: DicomSeriesResult }> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new InvalidInputError(`Input ${input} does not exist`);
  }
  if (info.isFile()) {
    if (!isNifti(input))
      throw new InvalidInputError(
        `Input ${input}: expected a .nii/.nii.gz file or a DICOM series folder`,
      );
    return { volume: readNifti(new Uint8Array(await readFile(input))) };
  }
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const files = await Promise.all(
    names.map(async (name) => ({
      name,
      bytes: new Uint8Array(await readFile(path.join(input, name))),
    })),
  );
  const { series } = groupDicomFilesBySeries(files);
  if (series.length === 0) throw new InvalidInputError(`No DICOM image series in ${input}`);
  if (series.length > 1)
    throw new InvalidInputError(
      `${input} holds ${series.length} series (${series.map((s) => s.seriesInstanceUID).join(', ')}); give a folder with one`,
    );
  const result = await readDicomSeries(series[0].files);
  return { volume: result.volume, series: result };
}

/**
 * Per-class probabilities as one 4D NIfTI (x, y, z, class), uint8 with scl_slope 1/255, so that
 * readers get p in [0, 1]. The 3D header comes from writeNifti; only dim/slope are extended.
 */
export function probabilitiesToNifti(
  grid: LabelVolume,
  probs: ClassProbabilities,
  gzip: boolean,
): Uint8Array {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const header = writeNifti({ ...grid, data: probs.data[0] }).subarray(0, 352);
  const out = new Uint8Array(352 + n * probs.data.length);
  out.set(header);
  const v = new DataView(out.buffer);
  v.setInt16(40, 4, true); // dim[0]: 4D
  v.setInt16(48, probs.data.length, true); // dim[4]: classes
  v.setFloat32(112, 1 / 255, true); // scl_slope
  v.setInt16(68, 1001, true); // intent_code NIFTI_INTENT_ESTIMATE
  probs.data.forEach((d, c) => out.set(d, 352 + c * n));
  return gzip ? gzipSync(out, { level: 6 }) : out;
}

function progressReporter(enabled: boolean): {
  update: (p: InferenceProgress) => void;
  stop: () => void;
} {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: ' {stage} |{bar}| {value}/{total} {unit}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let stage = '';
  return {
    update: (p) => {
      if (p.stage !== stage) {
        if (stage) bar.stop();
        stage = p.stage;
        bar.start(p.total, p.done, { stage: p.stage.padEnd(11), unit: p.unit ?? '' });
      } else bar.update(p.done);
    },
    stop: () => {
      if (stage) bar.stop();
    },
  };
}

/** `concord infer`: runs a model (manifest + ONNX) on a volume and writes the labelmap. */
export async function infer(options: InferOptions): Promise<InferenceResult> {
  if (!isNifti(options.out) && !isDicom(options.out))
    throw new InvalidInputError(
      `--out ${options.out}: write a DICOM SEG (.dcm) or a NIfTI labelmap (.nii, .nii.gz)`,
    );
  if (options.probabilities && !isNifti(options.probabilities))
    throw new InvalidInputError(
      `--probabilities ${options.probabilities}: write a .nii or .nii.gz file`,
    );
  const model = await loadModelFromFile(options.model);
  const { volume, series } = await readInputVolume(options.input);
  if (isDicom(options.out) && !series)
    throw new InvalidInputError(
      `--out ${options.out}: a DICOM SEG needs a DICOM series as --input (got ${options.input})`,
    );
  // auto = the native runtime in Node (onnxruntime-node); wasm = the browser's runtime
  const kind: NodeBackendKind = options.backend === 'wasm' ? 'wasm' : 'native';
  const backend = await createNodeBackend(kind, model, { threads: options.threads });
  const reporter = progressReporter(options.progress ?? Boolean(process.stderr.isTTY));
  let result: InferenceResult;
  try {
    result = await runInference(volume, model.manifest, {
      backend,
      probabilities: Boolean(options.probabilities),
      onProgress: reporter.update,
    });
  } finally {
    reporter.stop();
    await backend.release();
  }
  const m = model.manifest;
  const out = series
    ? { ...result.labels, frameOfReferenceUID: series.frameOfReferenceUID }
    : result.labels;
  await writeFile(
    options.out,
    isDicom(options.out)
      ? writeDicomSeg(out, series!, {
          seriesDescription: `${m.name} ${m.version}`.slice(0, 64),
          contentLabel: 'MODEL',
          algorithm: { name: m.name, version: m.version, type: 'AUTOMATIC' },
          segments: m.classes
            .filter((c) => c.label !== 0)
            .map((c) => ({ label: c.label, name: c.name, ...(c.color ? { color: c.color } : {}) })),
        })
      : writeNifti(out, {
          gzip: /\.gz$/i.test(options.out),
          description: `concord ${m.name} ${m.version}`,
        }),
  );
  if (options.probabilities && result.probabilities)
    await writeFile(
      options.probabilities,
      probabilitiesToNifti(
        result.labels,
        result.probabilities,
        /\.gz$/i.test(options.probabilities),
      ),
    );
  return result;
}

/** One-paragraph summary for stdout. */
export function describeInference(r: InferenceResult, out: string): string {
  const t = r.timings;
  const voxelMl = (r.labels.spacing[0] * r.labels.spacing[1] * r.labels.spacing[2]) / 1000;
  const counts = new Map<number, number>();
  for (const v of r.labels.data) counts.set(v, (counts.get(v) ?? 0) + 1);
  const lines = [
    `${r.model.name} ${r.model.version} on ${r.backend} (${r.threads} thread${r.threads > 1 ? 's' : ''}): ` +
      `${r.labels.dims.join('x')} -> ${out}`,
    `time ${t.totalMs.toFixed(0)} ms (pre ${t.preprocessMs.toFixed(0)}, inference ${t.inferenceMs.toFixed(0)}, ` +
      `post ${t.postprocessMs.toFixed(0)}); model grid ${r.modelGrid.dims.join('x')}, ${r.tiles} tiles in ${r.batches} batches`,
    ...(r.labels.labels ?? []).map(
      (l) =>
        `  ${String(l.label).padStart(3)} ${l.name}: ${((counts.get(l.label) ?? 0) * voxelMl).toFixed(1)} mL`,
    ),
  ];
  return lines.join('\n') + '\n';
}

function parseBackend(v: string): InferBackendOption {
  if (v !== 'auto' && v !== 'wasm' && v !== 'native')
    throw new InvalidArgumentError('must be auto, wasm or native');
  return v;
}

function parseThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError('must be an integer 1-64');
  return n;
}

/** Registers `concord infer` (DESIGN §3.5). */
export function registerInferCommand(program: Command): void {
  program
    .command('infer')
    .description('run a segmentation model (concord.model/v1 manifest + ONNX) on a volume')
    .requiredOption('--model <manifest>', 'model manifest (.json next to the .onnx)')
    .requiredOption('--input <path>', 'DICOM series folder or NIfTI (.nii, .nii.gz)')
    .requiredOption('--out <file>', 'DICOM SEG (.dcm, needs a DICOM input) or NIfTI labelmap')
    .option(
      '--probabilities <file>',
      'also write per-class probabilities (4D .nii.gz, uint8 / 255)',
    )
    .option(
      '--backend <name>',
      'auto (= native in Node) | wasm (onnxruntime-web, as in the browser) | native (onnxruntime-node)',
      parseBackend,
      'auto',
    )
    .option('--threads <n>', 'runtime threads (default min(cores, 4))', parseThreads)
    .action(async (opts: Omit<InferOptions, 'progress'>) => {
      const result = await infer(opts);
      process.stdout.write(describeInference(result, opts.out));
    });
}
