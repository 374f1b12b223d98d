import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import {
  InvalidInputError,
  NIFTI_INTENT,
  readNifti,
  writeDicomSeg,
  writeNifti,
  writeNiftiFrames,
  type DicomSeriesResult,
  type Grid,
  type Volume,
} from '@concord/core';
import { readFileBytes, readSeriesFolder } from '@concord/core/node';
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
import type { BackendOption, SegTypeOption } from '../options.ts';
import { writeOutputs } from '../outputs.ts';
import { readLabelDefinitions } from './names.ts';
import { classSegments } from './segments.ts';

export type InferBackendOption = BackendOption;

export interface InferOptions {
  model: string;
  input: string;
  out: string;
  probabilities?: string;
  backend: InferBackendOption;
  threads?: number;
  /** SegmentationType of a DICOM SEG --out (default BINARY) */
  segType?: SegTypeOption;
  /** names file: names and codes of the SEG's segments (default: the manifest's classes) */
  names?: string;
  /** Refuse runs whose memory plan is above this (bytes; default 2 GiB). */
  maxMemory?: number;
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
    return { volume: readNifti(readFileBytes(input, 'input')) };
  }
  const series = await readSeriesFolder(input);
  return { volume: series.volume, series };
}

/**
 * Per-class probabilities as one 4D NIfTI (x, y, z, class), uint8 with scl_slope 1/255 so that
 * readers get p in [0, 1], intent NIFTI_INTENT_ESTIMATE.
 */
export function probabilitiesToNifti(
  grid: Grid,
  probs: ClassProbabilities,
  gzip: boolean,
): Uint8Array {
  return writeNiftiFrames(grid, probs.data, {
    gzip,
    scale: { slope: 1 / probs.scale, inter: 0 },
    intent: NIFTI_INTENT.estimate,
  });
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
  const defs = options.names ? readLabelDefinitions(options.names) : undefined;
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
      memoryLimitBytes: options.maxMemory,
    });
  } finally {
    reporter.stop();
    await backend.release();
  }
  const m = model.manifest;
  const out = series
    ? { ...result.labels, frameOfReferenceUID: series.frameOfReferenceUID }
    : result.labels;
  const labelsFile = isDicom(options.out)
    ? writeDicomSeg(out, series!, {
        seriesDescription: `${m.name} ${m.version}`.slice(0, 64),
        contentLabel: 'MODEL',
        algorithm: { name: m.name, version: m.version, type: 'AUTOMATIC' },
        segments: classSegments(m.classes, defs),
        segmentationType: options.segType,
      })
    : writeNifti(out, {
        gzip: /\.gz$/i.test(options.out),
        description: `concord ${m.name} ${m.version}`,
      });
  const files = [{ path: options.out, bytes: labelsFile }];
  if (options.probabilities && result.probabilities)
    files.push({
      path: options.probabilities,
      bytes: probabilitiesToNifti(
        result.labels,
        result.probabilities,
        /\.gz$/i.test(options.probabilities),
      ),
    });
  // every output is built before any is written, and written all or nothing
  await writeOutputs(files);
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
      `post ${t.postprocessMs.toFixed(0)}); model grid ${r.modelGrid.dims.join('x')}` +
      (r.region.dims.some((d, a) => d !== r.modelGrid.dims[a])
        ? ` (cropped to ${r.region.dims.join('x')})`
        : '') +
      `, ${r.tiles} tiles in ${r.batches} batches; memory plan ${Math.ceil(r.memory.estimatedBytes / 1024 ** 2)} MiB (${r.memory.precision} probabilities)`,
    ...(r.labels.labels ?? []).map(
      (l) =>
        `  ${String(l.label).padStart(3)} ${l.name}: ${((counts.get(l.label) ?? 0) * voxelMl).toFixed(1)} mL`,
    ),
  ];
  return lines.join('\n') + '\n';
}
