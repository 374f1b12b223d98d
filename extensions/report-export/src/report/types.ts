/**
 * The inputs of the writers. `EvaluationReport` mirrors DESIGN §3.3 (`concord.report/v1`)
 * until the metrics extension exports its own type; the writers only read it.
 */
export interface StructureResult {
  label: number;
  name: string;
  status: 'ok' | 'both-empty' | 'reference-empty' | 'prediction-empty';
  tp: number;
  fp: number;
  fn: number;
  dice: number | null;
  jaccard: number | null;
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  volumeRefMl: number;
  volumePredMl: number;
  volumeSoftMl?: number | null;
  volumeDiffMl: number;
  volumeDiffPct: number | null;
  hd: number | null;
  hd95: number | null;
  assd: number | null;
  nsd: Record<string, number | null>;
  softDice?: number | null;
}

export interface EvaluationReport {
  schema: 'concord.report/v1';
  generatedAt: string;
  tool: { name: string; version: string };
  case: { studyInstanceUID?: string; seriesInstanceUID?: string };
  reference: { kind: string; source: string };
  prediction: {
    kind: string;
    source: string;
    model?: { name: string; version: string; sha256: string };
    backend?: string;
    inferenceMs?: number;
  };
  grid: { dims: number[]; spacing: number[]; origin: number[]; direction: number[] };
  definitions: { surface: string; percentile: string; tolerancesMm: number[] };
  structures: StructureResult[];
  summary: {
    meanDice: number | null;
    meanJaccard: number | null;
    pooledDice: number | null;
    structuresEvaluated: number;
  };
}

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
