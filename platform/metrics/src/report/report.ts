import type { Grid, StructureCodes } from '@concord/core';
import type { MatchedBy, MatchMode, StructureEntry } from '../engine/pairing.ts';
import packageJson from '../../package.json' with { type: 'json' };
import {
  probabilisticReportFields,
  type ReportCalibration,
  type ReportLosses,
} from './probabilistic.ts';
import type {
  ConfusionMatrix,
  MetricDefinitions,
  MetricsResult,
  MetricsSummary,
  StructureMetrics,
} from '../engine/types.ts';

export const REPORT_SCHEMA_ID = 'concord.report/v1';

export type InputKind = 'nifti' | 'dicom-seg' | 'rtstruct' | 'model' | 'labelmap';

export interface ReportSource {
  kind: InputKind;
  /** File path, URL or series description the labelmap came from. */
  source: string;
}

export interface ReportPrediction extends ReportSource {
  model?: { name: string; version: string; sha256: string };
  backend?: string;
  inferenceMs?: number;
}

/** `concord.report/v1` (docs/report.md). */
export interface EvaluationReport {
  schema: typeof REPORT_SCHEMA_ID;
  generatedAt: string;
  tool: { name: string; version: string };
  case: { studyInstanceUID: string | null; seriesInstanceUID: string | null };
  reference: ReportSource;
  prediction: ReportPrediction;
  grid: Pick<Grid, 'dims' | 'spacing' | 'origin' | 'direction' | 'frameOfReferenceUID'>;
  definitions: MetricDefinitions & { text: string };
  structures: StructureMetrics[];
  summary: MetricsSummary;
  confusion?: ConfusionMatrix;
  /** How reference and prediction structures were paired (docs/structures.md). */
  pairing?: ReportPairing;
  /** One line each: what the user should know about the inputs (unpaired structures, …). */
  warnings?: string[];
  /** Reliability diagrams and entropy histograms, with probabilities (docs/calibration.md). */
  calibration?: ReportCalibration;
  /** Surrogate-loss parameters and rankings, with probabilities (docs/calibration.md). */
  losses?: ReportLosses;
}

/** One side of a structure pair in the report. */
export interface ReportPairSide {
  number: number;
  name: string;
  codes?: StructureCodes;
}

/** `pairing` of `concord.report/v1`. */
export interface ReportPairing {
  match: MatchMode;
  /** whether an input has overlapping structures (then the confusion matrix counts a voxel once per structure it is in) */
  overlap: { reference: boolean; prediction: boolean };
  pairs: {
    label: number;
    name: string;
    reference: ReportPairSide | null;
    prediction: ReportPairSide | null;
    matchedBy: MatchedBy;
  }[];
}

export interface ReportInput {
  result: MetricsResult;
  reference: ReportSource;
  prediction: ReportPrediction;
  case?: { studyInstanceUID?: string | null; seriesInstanceUID?: string | null };
  tool?: { name: string; version: string };
  generatedAt?: Date;
  /** Include the label-by-label confusion matrix (default true). */
  confusion?: boolean;
  /** The pairing mode that was asked for (default auto). */
  match?: MatchMode;
}

const side = (e: StructureEntry | null): ReportPairSide | null =>
  e ? { number: e.number, name: e.name, ...(e.codes ? { codes: e.codes } : {}) } : null;

/** The metric definitions in words, carried by every report. */
export function definitionsText(tolerancesMm: readonly number[]): string {
  return (
    'Surface = mask minus its 6-connected erosion (outside the image is background); ' +
    'distances in mm between voxel centres (physical spacing) to the nearest surface voxel; ' +
    'HD = max of both directed maxima; HD95 = max of the two directed 95th percentiles ' +
    '(linear interpolation, numpy default); ASSD = mean over both surfaces of the distance to ' +
    `the other; NSD@tau = fraction of both surfaces within tau mm (tau = ${tolerancesMm.join(', ')}); ` +
    'means over structures with status ok; pooled Dice = sum 2TP / sum (2TP+FP+FN).'
  );
}

/** Replaces every non-finite number with null, recursively (JSON never carries NaN/Infinity). */
export function finiteOnly<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(finiteOnly) as T;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, finiteOnly) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = finiteOnly(v);
    return out as T;
  }
  return value;
}

/** Assembles a complete `concord.report/v1` object from a metrics result. */
export function buildReport(input: ReportInput): EvaluationReport {
  const { result } = input;
  const g = result.grid;
  const report: EvaluationReport = {
    schema: REPORT_SCHEMA_ID,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    tool: input.tool ?? { name: 'concord', version: packageJson.version },
    case: {
      studyInstanceUID: input.case?.studyInstanceUID ?? null,
      seriesInstanceUID: input.case?.seriesInstanceUID ?? null,
    },
    reference: { kind: input.reference.kind, source: input.reference.source },
    prediction: { ...input.prediction },
    grid: {
      dims: [...g.dims],
      spacing: [...g.spacing],
      origin: [...g.origin],
      direction: [...g.direction],
      ...(g.frameOfReferenceUID ? { frameOfReferenceUID: g.frameOfReferenceUID } : {}),
    },
    definitions: {
      ...result.definitions,
      tolerancesMm: [...result.definitions.tolerancesMm],
      text: definitionsText(result.definitions.tolerancesMm),
    },
    structures: result.structures.map((s) => ({ ...s, nsd: { ...s.nsd } })),
    summary: { ...result.summary, meanNsd: { ...result.summary.meanNsd } },
    ...(input.confusion === false ? {} : { confusion: result.confusion }),
    pairing: {
      match: input.match ?? 'auto',
      overlap: { ...result.overlap },
      pairs: result.pairs.map((p) => ({
        label: p.label,
        name: p.name,
        reference: side(p.reference),
        prediction: side(p.prediction),
        matchedBy: p.matchedBy,
      })),
    },
    ...(result.warnings.length ? { warnings: [...result.warnings] } : {}),
    ...probabilisticReportFields(result.probabilistic),
  };
  return finiteOnly(report);
}
