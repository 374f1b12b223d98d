/** Messages between the disagreement panels and their worker. */
import type { LabelVolume } from '@concord/core';
import type { EvaluationReport, ReportPrediction, ReportSource } from '@concord/metrics';
import type { BoundaryGrossVolumes } from '@concord/metrics';

/** What the panels need of one structure, small enough to keep per study and model. */
export interface StructureSummary {
  label: number;
  name: string;
  /** FP / FN voxel counts per slice along k (the stack's slice axis). */
  fp: Uint32Array;
  fn: Uint32Array;
}

export type DisagreementRequest =
  | {
      type: 'compute';
      id: number;
      /** Identifies the inputs; the worker keeps the voxel products of recent keys. */
      key: string;
      reference: LabelVolume;
      prediction: LabelVolume;
      referenceSource: ReportSource;
      predictionSource: ReportPrediction;
      case: { studyInstanceUID: string; seriesInstanceUID: string };
    }
  /**
   * One class's probabilities for the next compute, each in its own message: a single message
   * with every class (tens of MB to clone) would block the main thread for > 100 ms.
   */
  | { type: 'probability'; id: number; label: number; data: Float32Array }
  | {
      type: 'layer';
      id: number;
      key: string;
      label: number;
      tauMm: number;
      /** Colour FP/FN by distance bins up to this many mm instead of boundary/gross at τ. */
      distanceMaxMm?: number;
    }
  | { type: 'boundaryGross'; id: number; key: string; tauMm: number };

export type DisagreementResponse =
  | {
      type: 'compute';
      id: number;
      ok: true;
      report: EvaluationReport;
      structures: StructureSummary[];
      ms: number;
    }
  | { type: 'probability'; id: number; ok: true }
  | { type: 'layer'; id: number; ok: true; classes: Uint8Array }
  | { type: 'boundaryGross'; id: number; ok: true; volumes: Record<number, BoundaryGrossVolumes> }
  | { type: DisagreementRequest['type']; id: number; ok: false; error: string; missing?: boolean };
