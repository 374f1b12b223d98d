/**
 * `concord evaluate` (docs/cli.md): runs a model on a DICOM series, compares its labelmap with
 * the annotator's reference (DICOM SEG or NIfTI) and writes every export into one folder:
 * prediction SEG, report JSON, CSV, PDF and the TID 1500 SR.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { alignToReference, type DicomSeriesResult, type LabelVolume } from '@concord/core';
import { readLabelFile, readSeriesFolder, type LabelFileKind } from '@concord/core/node';
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
import type { BackendOption, MatchOption } from '../options.ts';

export interface EvaluateOptions {
  model: string;
  input: string;
  reference: string;
  out: string;
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

/**
 * The reference structure set on the series grid: a DICOM SEG of that series, or a NIfTI
 * labelmap. Its structures are paired with the model's classes by the metric engine
 * (code, then name, then number: docs/structures.md).
 */
async function readReference(
  file: string,
  series: DicomSeriesResult,
): Promise<{ volume: LabelVolume; kind: LabelFileKind }> {
  const ref = await readLabelFile(file, { what: 'reference', series });
  if (!ref.seg) return { volume: alignToReference(ref.volume, series.volume), kind: ref.kind };
  return { volume: ref.volume, kind: ref.kind };
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const progress = stageProgress(options.progress ?? Boolean(process.stderr.isTTY));
  try {
    const model = await loadModelFromFile(options.model);
    const { manifest } = model;
    const series = await readSeriesFolder(options.input);
    const classes = manifest.classes.filter((c) => c.label !== 0);
    const names = new Map(classes.map((c) => [c.label, c.name]));
    const { volume: reference, kind: referenceKind } = await readReference(
      options.reference,
      series,
    );

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
    // every class of the model is a structure of the prediction (it declares them), so each
    // is reported even when neither input has it
    const result = computeMetrics(reference, prediction, {
      tolerancesMm: options.tolerancesMm,
      probabilities,
      labelNames: names,
      match: options.match,
    });
    for (const w of result.warnings) process.stderr.write(`concord: warning: ${w}\n`);
    const report = buildReport({
      result,
      reference: {
        kind: referenceKind,
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
      match: options.match,
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
