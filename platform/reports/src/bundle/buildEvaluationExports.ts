/**
 * Every export of one evaluation, built in memory (DOM-free: the CLI writes them to a folder,
 * the viewer offers them for download and STOW-RS): the model's DICOM SEG, the TID 1500 SR
 * that references it, the JSON, CSV and PDF reports, and the lesion table (CSV) when some
 * structure was evaluated lesion-wise.
 */
import {
  LABELMAP_SEG_SOP_CLASS_UID,
  newUid,
  SEG_SOP_CLASS_UID,
  writeDicomSeg,
  type DicomSeriesResult,
  type LabelVolume,
  type SegmentDefinition,
  type Volume,
} from '@concord/core';
import { computeDisagreement } from '@concord/metrics';
import type { EvaluationReport, PatientInfo } from '../report/types.ts';
import { writeReportCsv, writeReportLesionCsv } from '../csv/writeReportCsv.ts';
import { writeReportJson } from '../json/writeReportJson.ts';
import { writeReportPdf } from '../pdf/writeReportPdf.ts';
import { axialDisagreementProfile, sliceDisagreementClasses } from '../raster/sliceClasses.ts';
import { writeMeasurementReportSr } from '../sr/writeMeasurementReportSr.ts';

/** File names of the exports in an output folder. */
export const EXPORT_FILE_NAMES = {
  seg: 'prediction-seg.dcm',
  sr: 'measurement-report-sr.dcm',
  json: 'report.json',
  csv: 'report.csv',
  pdf: 'report.pdf',
  /** only when some structure was evaluated lesion-wise (docs/report.md#csv) */
  lesions: 'lesions.csv',
} as const;

export type ExportKind = keyof typeof EXPORT_FILE_NAMES;
/** The exports written for every evaluation. */
export type AlwaysExportKind = Exclude<ExportKind, 'lesions'>;
/** The built files: every kind but the lesion table, which exists only for lesion-wise structures. */
export type ExportFiles = Record<AlwaysExportKind, Uint8Array> & { lesions?: Uint8Array };
export type ReportFiles = Omit<ExportFiles, 'seg' | 'sr'>;

/** Media types of the exports (downloads in the viewer, HTTP responses). */
export const EXPORT_MEDIA_TYPES: Record<ExportKind, string> = {
  seg: 'application/dicom',
  sr: 'application/dicom',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  pdf: 'application/pdf',
  lesions: 'text/csv; charset=utf-8; header=present',
};

export interface EvaluationExportInput {
  report: EvaluationReport;
  /** the source DICOM series (image volume + instance metadata) */
  series: DicomSeriesResult;
  /** annotator's and model's labelmaps on the series grid */
  reference: LabelVolume;
  prediction: LabelVolume;
  /** one per model class to write into the SEG (label, name, colour) */
  segments: SegmentDefinition[];
  /** algorithm identification of the SEG */
  algorithm: { name: string; version: string };
  /** SegmentationType of the SEG (default BINARY; LABELMAP: Label Map Segmentation Storage) */
  segmentationType?: 'BINARY' | 'LABELMAP';
  /** put patient name/ID/birth date into CSV and PDF (JSON has no patient fields) */
  includePhi?: boolean;
  /** τ of the PDF's boundary/gross split (default: the report's first tolerance) */
  tauMm?: number;
  now?: Date;
}

export interface EvaluationExports {
  files: ExportFiles;
  seg: { sopInstanceUID: string; seriesInstanceUID: string };
  sr: { sopInstanceUID: string; seriesInstanceUID: string; skippedLabels: number[] };
}

/** Patient identity of the source series (for the opt-in PHI fields). */
export function patientOf(series: DicomSeriesResult): PatientInfo {
  const m = series.instanceMetadata[0];
  return { name: m?.PatientName, id: m?.PatientID, birthDate: m?.PatientBirthDate };
}

/** What the report files (JSON, CSV, PDF) need: no DICOM source required. */
export interface ReportExportInput {
  report: EvaluationReport;
  /** the image the PDF's slices show, on the reference grid */
  image: Volume;
  reference: LabelVolume;
  prediction: LabelVolume;
  /** patient identity for the opt-in PHI fields (absent for NIfTI input) */
  patient?: PatientInfo;
  includePhi?: boolean;
  tauMm?: number;
}

/** The JSON, CSV and PDF reports of one evaluation, and its lesion table if it has one. */
export async function buildReportExports(input: ReportExportInput): Promise<ReportFiles> {
  const { report, reference, prediction } = input;
  const privacy = { includePhi: input.includePhi ?? false, patient: input.patient ?? {} };
  const tauMm = input.tauMm ?? report.definitions.tolerancesMm[0] ?? 1;
  const products = computeDisagreement(reference, prediction, {
    labels: report.structures.map((s) => s.label),
  });
  const pdf = await writeReportPdf(
    {
      report,
      volumes: { image: input.image, reference, prediction },
      sliceProfile: axialDisagreementProfile(products, reference.dims[2]),
      classifySlice: (k) => sliceDisagreementClasses(products, reference.dims, k, tauMm),
    },
    { ...privacy, tauMm },
  );
  const utf8 = new TextEncoder();
  const lesions = writeReportLesionCsv(report, privacy);
  return {
    json: utf8.encode(writeReportJson(report)),
    csv: utf8.encode(writeReportCsv(report, privacy)),
    pdf,
    ...(lesions !== null ? { lesions: utf8.encode(lesions) } : {}),
  };
}

export async function buildEvaluationExports(
  input: EvaluationExportInput,
): Promise<EvaluationExports> {
  const { report, series, reference, prediction } = input;
  const now = input.now ?? new Date();
  const labelmap = input.segmentationType === 'LABELMAP';

  // the model's SEG: SegmentNumber = rank of the label among the written segments
  const segments = [...input.segments].sort((a, b) => a.label - b.label);
  const seg = { sopInstanceUID: newUid(), seriesInstanceUID: newUid() };
  const segBytes = writeDicomSeg(prediction, series, {
    seriesDescription: `${input.algorithm.name} ${input.algorithm.version} segmentation`,
    algorithm: { ...input.algorithm, type: 'AUTOMATIC' },
    segments,
    seriesNumber: 900,
    contentLabel: 'CONCORD_MODEL',
    date: now,
    segmentationType: input.segmentationType,
    ...seg,
  });

  const m = series.instanceMetadata[0];
  const sr = writeMeasurementReportSr(
    {
      report,
      patientStudy: {
        patientName: m?.PatientName,
        patientId: m?.PatientID,
        patientBirthDate: m?.PatientBirthDate,
        patientSex: m?.PatientSex,
        studyInstanceUID: series.studyInstanceUID,
        studyDate: m?.StudyDate,
        studyTime: m?.StudyTime,
        studyId: m?.StudyID,
        accessionNumber: m?.AccessionNumber,
        referringPhysicianName: m?.ReferringPhysicianName,
      },
      source: {
        seriesInstanceUID: series.seriesInstanceUID,
        instances: series.instanceMetadata.map((x) => ({
          sopClassUID: x.SOPClassUID,
          sopInstanceUID: x.SOPInstanceUID,
        })),
      },
      segmentation: {
        ...seg,
        sopClassUID: labelmap ? LABELMAP_SEG_SOP_CLASS_UID : SEG_SOP_CLASS_UID,
        segments: segments.map((s, i) => ({ label: s.label, segmentNumber: i + 1 })),
      },
    },
    { now, seriesNumber: 901 },
  );

  const reports = await buildReportExports({
    report,
    image: series.volume,
    reference,
    prediction,
    patient: patientOf(series),
    includePhi: input.includePhi,
    tauMm: input.tauMm,
  });
  return {
    files: { seg: segBytes, sr: sr.bytes, ...reports },
    seg,
    sr: {
      sopInstanceUID: sr.sopInstanceUID,
      seriesInstanceUID: sr.seriesInstanceUID,
      skippedLabels: sr.skippedLabels,
    },
  };
}
