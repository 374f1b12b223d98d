/**
 * `concord evaluate` (docs/cli.md): compares a prediction (a model run on the input, or a
 * labelmap file) with the annotator's reference and writes every export into one folder. On a
 * DICOM series: prediction SEG, report JSON, CSV, PDF and the TID 1500 SR. On a NIfTI image:
 * report JSON, CSV, PDF and the prediction as NIfTI (a SEG and an SR reference DICOM source
 * images, which a NIfTI input has not). Everything is built in memory first and written all or
 * nothing.
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import {
  alignToReference,
  InvalidInputError,
  writeNifti,
  type DicomSeriesResult,
  type LabelVolume,
  type SegmentDefinition,
  type Volume,
} from '@concord/core';
import { readLabelFile, type LabelFileKind } from '@concord/core/node';
import { runInference, type InferenceResult } from '@concord/inference';
import { createNodeBackend, loadModelFromFile } from '@concord/inference/node';
import { buildReport, computeMetrics, type EvaluationReport } from '@concord/metrics';
import {
  buildEvaluationExports,
  buildReportExports,
  EXPORT_FILE_NAMES,
  fetchStowStore,
  stowExports,
  type ExportKind,
} from '@concord/reports';
import packageJson from '../../package.json' with { type: 'json' };
import {
  instanceOptions,
  type BackendOption,
  type LesionMatchOption,
  type MatchOption,
  type SegTypeOption,
} from '../options.ts';
import { writeOutputs } from '../outputs.ts';
import { readInputVolume } from './infer.ts';
import { readLabelDefinitions, type LabelDefinition } from './names.ts';
import { classSegments, labelSegments } from './segments.ts';

export interface EvaluateOptions {
  /** model manifest to run on the input; or give `prediction` */
  model?: string;
  /** a prediction labelmap (NIfTI, or DICOM SEG of the input series) instead of a model */
  prediction?: string;
  /** DICOM series folder or NIfTI image */
  input: string;
  reference: string;
  out: string;
  /** names file: structure names and codes (docs/cli.md) */
  names?: string;
  /** SegmentationType of the prediction SEG (default BINARY) */
  segType?: SegTypeOption;
  includePhi?: boolean;
  /** DICOMweb server to STOW the SEG and SR to, after the local files are written */
  dicomweb?: string;
  backend?: BackendOption;
  threads?: number;
  tolerancesMm?: number[];
  /** How reference structures are paired with the model's classes (default auto). */
  match?: MatchOption;
  /** Show a progress bar (default: when stderr is a TTY). */
  progress?: boolean;
  /** Structures evaluated lesion-wise too; their lesion table goes to lesions.csv. */
  instances?: number[];
  connectivity?: 6 | 26;
  lesionMatch?: LesionMatchOption;
  /** Tversky weights and the entropy threshold (docs/calibration.md). */
  tversky?: { alpha: number; beta: number };
  entropyThreshold?: number;
}

/** Every file `evaluate` may write: the exports, and the prediction NIfTI for NIfTI input. */
export const EVALUATE_FILE_NAMES = {
  ...EXPORT_FILE_NAMES,
  nifti: 'prediction.nii.gz',
} as const;
export type EvaluateOutputKind = keyof typeof EVALUATE_FILE_NAMES;

export interface EvaluateResult {
  report: EvaluationReport;
  /** the model run (absent with `prediction`) */
  inference?: InferenceResult;
  /** absolute paths of the written files */
  files: Partial<Record<EvaluateOutputKind, string>>;
  /** what STOW-RS stored on `dicomweb` */
  stored: string[];
  /** why no SEG and SR were written (NIfTI input) */
  noDicomReason?: string;
}

/** Why a NIfTI-only evaluation writes no SEG and no SR. */
export const NO_DICOM_REASON =
  'the input is NIfTI, not a DICOM series, and a SEG or SR must reference DICOM source images';

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

/**
 * The reference structure set on the image grid: a DICOM SEG of the input series, or a NIfTI
 * labelmap (aligned onto the image grid in world space). Its structures are paired with the
 * prediction's by the metric engine (code, then name, then number: docs/structures.md).
 */
async function readReference(
  file: string,
  image: Volume,
  series: DicomSeriesResult | undefined,
): Promise<{ volume: LabelVolume; kind: LabelFileKind }> {
  const ref = await readLabelFile(file, { what: 'reference', series });
  // what an RTSTRUCT reader skipped (POINT ROIs) or found empty: one line each
  for (const note of ref.notes ?? [])
    process.stderr.write(`concord: note: reference ${path.basename(file)}: ${note}\n`);
  if (!ref.seg) return { volume: alignToReference(ref.volume, image), kind: ref.kind };
  return { volume: ref.volume, kind: ref.kind };
}

/**
 * A NIfTI labelmap's structures from a names file with codes (docs/cli.md), so that they pair
 * by code; names alone reach the report through labelNames. A SEG keeps its own structures.
 */
function withDefinitions(
  v: LabelVolume,
  kind: LabelFileKind,
  defs: Map<number, LabelDefinition> | undefined,
): LabelVolume {
  if (kind !== 'nifti' || v.labels || ![...(defs?.values() ?? [])].some((d) => d.code)) return v;
  return {
    ...v,
    labels: [...defs!].map(([label, d]) => ({
      label,
      name: d.name,
      ...(d.code ? { codes: d.code } : {}),
    })),
  };
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  if (Boolean(options.model) === Boolean(options.prediction))
    throw new InvalidInputError('evaluate needs either --model or --prediction (not both)');
  const progress = stageProgress(options.progress ?? Boolean(process.stderr.isTTY));
  try {
    const defs: Map<number, LabelDefinition> | undefined = options.names
      ? readLabelDefinitions(options.names)
      : undefined;
    const model = options.model ? await loadModelFromFile(options.model) : undefined;
    const { volume: image, series } = await readInputVolume(options.input);
    if (!series && options.dicomweb)
      throw new InvalidInputError(
        `--dicomweb sends the SEG and SR, which need a DICOM series as --input (got ${options.input})`,
      );
    if (!series && options.segType)
      throw new InvalidInputError(
        `--seg-type: no SEG is written for a NIfTI --input (${options.input})`,
      );
    const classes = model ? classSegments(model.manifest.classes, defs) : undefined;
    const names = new Map<number, string>(
      classes
        ? classes.map((c) => [c.label, c.name])
        : [...(defs ?? [])].map(([l, d]) => [l, d.name]),
    );
    const read = await readReference(options.reference, image, series);
    const reference = withDefinitions(read.volume, read.kind, defs);
    const referenceKind = read.kind;

    let inference: InferenceResult | undefined;
    let predicted: LabelVolume;
    let predictionKind: LabelFileKind | 'model' = 'model';
    if (model) {
      progress.at('inference');
      const backend = await createNodeBackend(
        options.backend === 'wasm' ? 'wasm' : 'native',
        model,
        { threads: options.threads },
      );
      try {
        inference = await runInference(image, model.manifest, {
          backend,
          probabilities: true,
          onProgress: (p) => {
            if (p.stage === 'inference') progress.at('inference', p.done / Math.max(1, p.total));
          },
        });
      } finally {
        await backend.release();
      }
      predicted = inference.labels;
    } else {
      const pred = await readLabelFile(options.prediction!, { what: 'prediction', series });
      predicted = withDefinitions(pred.volume, pred.kind, defs);
      predictionKind = pred.kind;
    }
    // a model's structures are its classes (names and codes from --names or the manifest)
    const aligned = alignToReference(predicted, reference);
    const prediction = classes ? { ...aligned, labels: classes } : aligned;

    progress.at('metrics');
    const probabilities = inference?.probabilities
      ? new Map(
          inference.probabilities.labels.map((l, c) => [
            l,
            Float32Array.from(inference!.probabilities!.data[c], (x) => x / 255),
          ]),
        )
      : undefined;
    // every class of the model is a structure of the prediction (it declares them), so each
    // is reported even when neither input has it
    const result = computeMetrics(reference, prediction, {
      tolerancesMm: options.tolerancesMm,
      probabilities,
      labelNames: names.size ? names : undefined,
      match: options.match,
      instances: instanceOptions(options),
      probabilistic: { tversky: options.tversky, entropyThreshold: options.entropyThreshold },
    });
    for (const w of result.warnings) process.stderr.write(`concord: warning: ${w}\n`);
    const manifest = model?.manifest;
    const report = buildReport({
      result,
      reference: { kind: referenceKind, source: path.basename(options.reference) },
      prediction:
        model && manifest && inference
          ? {
              kind: 'model',
              source: path.basename(model.modelPath),
              model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 },
              backend: inference.backend,
              inferenceMs: inference.timings.totalMs,
            }
          : { kind: predictionKind, source: path.basename(options.prediction!) },
      case: series
        ? { studyInstanceUID: series.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID }
        : undefined,
      tool: { name: 'concord', version: packageJson.version },
      match: options.match,
    });

    progress.at('exports');
    const outputs: { kind: EvaluateOutputKind; bytes: Uint8Array }[] = [];
    let segBytes: Uint8Array | undefined;
    let srBytes: Uint8Array | undefined;
    if (series) {
      const segments: SegmentDefinition[] = classes ?? labelSegments(prediction, defs);
      const exports = await buildEvaluationExports({
        report,
        series,
        reference,
        prediction,
        segments,
        algorithm: manifest
          ? { name: manifest.name, version: manifest.version }
          : { name: path.basename(options.prediction!), version: '-' },
        segmentationType: options.segType,
        includePhi: options.includePhi,
      });
      for (const kind of Object.keys(EXPORT_FILE_NAMES) as ExportKind[]) {
        const bytes = exports.files[kind];
        if (bytes) outputs.push({ kind, bytes });
      }
      segBytes = exports.files.seg;
      srBytes = exports.files.sr;
    } else {
      const reports = await buildReportExports({
        report,
        image,
        reference,
        prediction,
        includePhi: options.includePhi,
      });
      for (const kind of ['json', 'csv', 'pdf', 'lesions'] as const) {
        const bytes = reports[kind];
        if (bytes) outputs.push({ kind, bytes });
      }
      outputs.push({
        kind: 'nifti',
        bytes: writeNifti(prediction, {
          gzip: true,
          description: `concord ${report.prediction.source}`.slice(0, 79),
        }),
      });
    }

    // the local files are the export of record: written (all or nothing) before anything is sent
    progress.at('write');
    const files: Partial<Record<EvaluateOutputKind, string>> = {};
    for (const o of outputs) files[o.kind] = path.resolve(options.out, EVALUATE_FILE_NAMES[o.kind]);
    await writeOutputs(outputs.map((o) => ({ path: files[o.kind]!, bytes: o.bytes })));
    let stored: string[] = [];
    if (options.dicomweb && segBytes && srBytes) {
      progress.at('stow');
      ({ stored } = await stowExports(
        fetchStowStore(options.dicomweb),
        [
          { name: 'prediction SEG', bytes: segBytes },
          { name: 'measurement report SR', bytes: srBytes },
        ],
        path.resolve(options.out),
      ));
    }
    progress.at('stow', 1);
    return {
      report,
      inference,
      files,
      stored,
      ...(series ? {} : { noDicomReason: NO_DICOM_REASON }),
    };
  } finally {
    progress.stop();
  }
}

/** The one-line summary of `concord evaluate`. */
export function evaluateSummary(r: EvaluateResult, out: string, dicomweb?: string): string {
  const s = r.report.summary;
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const who = r.inference
    ? `${r.report.prediction.model?.name ?? 'model'} on ${r.inference.backend}`
    : r.report.prediction.source;
  return (
    `${who}: ` +
    `mean Dice ${fmt(s.meanDice)} (pooled ${fmt(s.pooledDice)}) over ${s.structuresEvaluated} structures` +
    (r.inference ? `, inference ${(r.inference.timings.totalMs / 1000).toFixed(1)} s` : '') +
    `; wrote ${Object.keys(r.files).length} files to ${out}` +
    (r.noDicomReason ? ` (no SEG or SR: ${r.noDicomReason})` : '') +
    (r.stored.length ? `; sent ${r.stored.join(' and ')} to ${dicomweb}` : '') +
    '\n'
  );
}
