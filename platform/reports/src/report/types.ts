/**
 * The writers' inputs. The report itself is the metrics extension's `concord.report/v1` type
 * (docs/report.md); the writers only read it.
 */
import type { EvaluationReport, StructureMetrics } from '@concord/metrics';

export type { EvaluationReport };
export type StructureResult = StructureMetrics;

/**
 * Identifying data of the patient. Writers leave it out unless `includePhi` is set
 * (issue 8: reports are de-identified by default).
 */
export interface PatientInfo {
  name?: string;
  id?: string;
  birthDate?: string;
}

export interface PrivacyOptions {
  /** Put patient name, ID and birth date into the output (default false). */
  includePhi?: boolean;
  patient?: PatientInfo;
}
