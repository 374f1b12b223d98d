/**
 * JSON Schema of the optional `calibration` and `losses` blocks of `concord.report/v1`
 * (docs/report.md); reportSchema.ts adds them to the report's properties.
 */
import { RANKING_KEYS } from '../engine/probabilistic.ts';

const count = { type: 'integer', minimum: 0 };
const unitOrNull = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const index3 = { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 };

export function probabilisticSchemaProperties(): Record<string, object> {
  return {
    calibration: {
      description:
        'Calibration and uncertainty per structure with probabilities (docs/calibration.md): the reliability diagram over the evaluated region (union box of reference and prediction grown by regionMarginMm) and the normalised-entropy histograms of its FP and FN voxels.',
      type: 'object',
      additionalProperties: false,
      required: [
        'bins',
        'regionMarginMm',
        'entropyBins',
        'entropyThreshold',
        'classes',
        'structures',
      ],
      properties: {
        bins: { type: 'integer', minimum: 1 },
        regionMarginMm: { type: 'number', minimum: 0 },
        entropyBins: { type: 'integer', minimum: 1 },
        entropyThreshold: { type: 'number', minimum: 0, maximum: 1 },
        classes: { type: 'integer', minimum: 2 },
        structures: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: [
              'label',
              'region',
              'regionVoxels',
              'reliability',
              'fpEntropyHistogram',
              'fnEntropyHistogram',
              'sums',
            ],
            properties: {
              label: { type: 'integer', minimum: 1, maximum: 65535 },
              region: {
                type: 'object',
                additionalProperties: false,
                required: ['min', 'max'],
                properties: { min: index3, max: index3 },
              },
              regionVoxels: count,
              reliability: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['count', 'meanConfidence', 'observedFrequency'],
                  properties: {
                    count,
                    meanConfidence: unitOrNull,
                    observedFrequency: unitOrNull,
                  },
                },
              },
              fpEntropyHistogram: { type: 'array', items: count },
              fnEntropyHistogram: { type: 'array', items: count },
              sums: {
                description: 'Σ p·g, Σ p and Σ g over the region (Tversky at any α, β)',
                type: 'object',
                additionalProperties: false,
                required: ['pg', 'p', 'g'],
                properties: {
                  pg: { type: 'number', minimum: 0 },
                  p: { type: 'number', minimum: 0 },
                  g: { type: 'number', minimum: 0 },
                },
              },
            },
          },
        },
      },
    },
    losses: {
      description:
        'Parameters of the surrogate losses (values in the structure rows) and the structures ranked best-first by Dice and by each loss (docs/calibration.md).',
      type: 'object',
      additionalProperties: false,
      required: ['epsilon', 'tverskyAlpha', 'tverskyBeta', 'rankings'],
      properties: {
        epsilon: { type: 'number', minimum: 0 },
        tverskyAlpha: { type: 'number', minimum: 0 },
        tverskyBeta: { type: 'number', minimum: 0 },
        rankings: {
          type: 'object',
          additionalProperties: false,
          required: [...RANKING_KEYS],
          properties: Object.fromEntries(
            RANKING_KEYS.map((k) => [
              k,
              { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
            ]),
          ),
        },
      },
    },
  };
}
