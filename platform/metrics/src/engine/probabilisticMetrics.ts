/**
 * The METRICS registry entries of calibration, uncertainty and the surrogate losses
 * (docs/calibration.md). They are present only when the model's class probabilities were given,
 * and are spread into METRICS (registry.ts) after `softDice`.
 */
import type { MetricSpec } from './registry.ts';

export const PROBABILISTIC_METRICS = [
  {
    key: 'ece',
    label: 'ECE',
    unit: '',
    digits: 4,
    definition:
      'Expected calibration error of p_k one-vs-rest: 15 equal-width bins, Σ |bin|/N·|mean [ref=k] − mean p_k| over the evaluated region (union box + 5 mm)',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'brier',
    label: 'Brier',
    unit: '',
    digits: 4,
    definition: 'Brier score: mean (p_k − [ref=k])² over the evaluated region',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'uncertainFpShare',
    label: 'FP uncert.',
    unit: '',
    digits: 3,
    definition:
      'Share of the FP voxels whose class entropy (bits, clipped at 1) is at or above the threshold (report: calibration.entropyThreshold, default 0.5)',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'uncertainFnShare',
    label: 'FN uncert.',
    unit: '',
    digits: 3,
    definition:
      'Share of the FN voxels whose class entropy (bits, clipped at 1) is at or above the threshold (report: calibration.entropyThreshold, default 0.5)',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'softDiceLoss',
    label: 'L soft Dice',
    unit: '',
    digits: 4,
    definition: 'Soft Dice loss 1 − (2Σpg + ε)/(Σp + Σg + ε), ε = 1e-5, over the evaluated region',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'softJaccardLoss',
    label: 'L soft Jaccard',
    unit: '',
    digits: 4,
    definition: 'Soft Jaccard loss 1 − (Σpg + ε)/(Σp + Σg − Σpg + ε), ε = 1e-5',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'lovaszLoss',
    label: 'L Lovász',
    unit: '',
    digits: 4,
    definition:
      'Lovász-softmax loss of the class (Berman et al. 2018): Lovász extension of the Jaccard loss on the sorted errors |g − p|',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'ceLoss',
    label: 'L CE',
    unit: '',
    digits: 4,
    definition:
      'Binary cross-entropy of p_k one-vs-rest, mean over the evaluated region (natural log, each log clamped at −100 as torch)',
    type: 'numberOrNull',
    presence: 'soft',
  },
  {
    key: 'weightedCeLoss',
    label: 'L wCE',
    unit: '',
    digits: 4,
    definition:
      'Class-weighted cross-entropy, inverse frequency w_c = N/(2 n_c), weighted mean Σ w ℓ / Σ w',
    type: 'numberOrNull',
    presence: 'soft',
  },
  {
    key: 'tverskyLoss',
    label: 'L Tversky',
    unit: '',
    digits: 4,
    definition:
      'Tversky loss 1 − (Σpg + ε)/(Σpg + α Σp(1−g) + β Σ(1−p)g + ε) (α on FP, β on FN; default 0.3/0.7)',
    type: 'unitOrNull',
    presence: 'soft',
  },
  {
    key: 'regionLoss',
    label: 'L RW',
    unit: '',
    digits: 4,
    definition:
      'Region-wise loss (Valverde & Tohka), rectified map: mean z·p, z = −EDT/max EDT inside the reference, 1 outside',
    type: 'numberOrNull',
    presence: 'soft',
  },
] as const satisfies readonly MetricSpec[];
