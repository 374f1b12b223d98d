/**
 * @concord/reports — writes an evaluation as CSV, JSON, PDF, DICOM SR (TID 1500) and DICOM SEG,
 * and sends the DICOM objects to a DICOMweb server (STOW-RS). Works in a browser worker and in Node.
 */
export type {
  EvaluationReport,
  StructureResult,
  PatientInfo,
  PrivacyOptions,
} from './report/types.ts';
export {
  writeReportCsv,
  csvColumns,
  csvField,
  nsdColumn,
  writeReportLesionCsv,
  type CsvOptions,
} from './csv/writeReportCsv.ts';
export { LESION_SUMMARY_FIELDS, LESION_TABLE_COLUMNS } from './csv/lesionCsv.ts';
export { writeReportJson, ReportSchemaError } from './json/writeReportJson.ts';
export {
  writeReportPdf,
  TABLE_COLUMNS,
  BIAS_BAR_COLORS,
  type PdfReportInput,
  type PdfOptions,
} from './pdf/writeReportPdf.ts';
export { formatRatio, formatMm, formatMl, formatSignedPct, NOT_AVAILABLE } from './pdf/format.ts';
export { sliceDisagreementClasses, axialDisagreementProfile } from './raster/sliceClasses.ts';
export {
  writeMeasurementReportSr,
  type SrInput,
  type SrOptions,
  type SrResult,
  type DicomPatientStudy,
  type SourceSeriesRef,
  type SegmentationRef,
} from './sr/writeMeasurementReportSr.ts';
export {
  readMeasurementReportSr,
  type SrDocument,
  type SrMeasurementGroup,
} from './sr/readMeasurementReportSr.ts';
export { CODES as SR_CODES, UNITS as SR_UNITS, SR_MEASUREMENTS } from './sr/codes.ts';
export {
  buildEvaluationExports,
  buildReportExports,
  type ReportExportInput,
  patientOf,
  EXPORT_FILE_NAMES,
  EXPORT_MEDIA_TYPES,
  type ExportKind,
  type AlwaysExportKind,
  type ExportFiles,
  type ReportFiles,
  type EvaluationExportInput,
  type EvaluationExports,
} from './bundle/buildEvaluationExports.ts';
export {
  stowExports,
  fetchStowStore,
  StowExportError,
  type DicomWebStore,
  type StowItem,
  type FetchStowOptions,
} from './stow/stowExports.ts';
export { neutralizeFormula, stripControlChars } from './text/sanitize.ts';
export { toWinAnsi, isWinAnsi } from './text/winAnsi.ts';
export { encodePng, decodePng, type RasterImage } from './raster/png.ts';
export {
  renderSlice,
  autoWindow,
  labelColor,
  magnificationFor,
  type RenderSliceOptions,
  type SliceVolumes,
  type OverlayKind,
  type WindowLevel,
} from './raster/renderSlice.ts';
export { writeCohortCsv, type CohortCsvCase } from './cohort/writeCohortCsv.ts';
export {
  writeCohortPdf,
  worstCases,
  MODEL_COLORS,
  type CohortPdfInput,
} from './cohort/writeCohortPdf.ts';
