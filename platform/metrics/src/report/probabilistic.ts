/**
 * The optional `calibration` and `losses` blocks of `concord.report/v1` (docs/report.md,
 * definitions in docs/calibration.md): written only when the model's class probabilities were
 * given. The per-structure numbers (ECE, Brier, uncertain FP/FN shares, losses) are fields of the
 * structure rows (METRICS registry); these blocks hold the reliability diagrams, the entropy
 * histograms, the parameters and the rankings.
 */
import type {
  ProbabilisticResult,
  RankingKey,
  StructureCalibration,
} from '../engine/probabilistic.ts';

/** `calibration` of the report. */
export interface ReportCalibration {
  bins: number;
  regionMarginMm: number;
  entropyBins: number;
  entropyThreshold: number;
  /** C: foreground classes with probabilities + background. */
  classes: number;
  structures: StructureCalibration[];
}

/** `losses` of the report. */
export interface ReportLosses {
  epsilon: number;
  tverskyAlpha: number;
  tverskyBeta: number;
  /** Labels best-first: by Dice (descending) and by each loss (ascending); ties by label. */
  rankings: Record<RankingKey, number[]>;
}

/** The two blocks of a result with probabilities; nothing otherwise. */
export function probabilisticReportFields(p: ProbabilisticResult | undefined): {
  calibration?: ReportCalibration;
  losses?: ReportLosses;
} {
  if (!p) return {};
  const d = p.definitions;
  return {
    calibration: {
      bins: d.bins,
      regionMarginMm: d.regionMarginMm,
      entropyBins: d.entropyBins,
      entropyThreshold: d.entropyThreshold,
      classes: d.classes,
      structures: p.structures.map((s) => ({
        ...s,
        region: { min: [...s.region.min], max: [...s.region.max] },
        reliability: s.reliability.map((b) => ({ ...b })),
        fpEntropyHistogram: [...s.fpEntropyHistogram],
        fnEntropyHistogram: [...s.fnEntropyHistogram],
        sums: { ...s.sums },
      })),
    },
    losses: {
      epsilon: d.lossEpsilon,
      tverskyAlpha: d.tverskyAlpha,
      tverskyBeta: d.tverskyBeta,
      rankings: Object.fromEntries(
        Object.entries(p.rankings).map(([k, v]) => [k, [...v]]),
      ) as Record<RankingKey, number[]>,
    },
  };
}
