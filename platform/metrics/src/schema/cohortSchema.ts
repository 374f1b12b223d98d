/**
 * The JSON Schema of `concord.cohort/v1` (docs/cohort.md). scripts/generate-cohort-schema.ts
 * writes it to cohort.schema.json and compiles the standalone validator from it.
 */

const num = { type: 'number' };
const numOrNull = { type: ['number', 'null'] };
const interval = {
  oneOf: [{ type: 'array', items: num, minItems: 2, maxItems: 2 }, { type: 'null' }],
};
const closed = (properties: Record<string, object>, required = Object.keys(properties)) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const count = { type: 'integer', minimum: 0 };
const group = {
  oneOf: [{ type: 'null' }, closed({ column: { type: 'string' }, value: { type: 'string' } })],
};

const metricStats = closed({
  n: count,
  mean: numOrNull,
  sd: { type: ['number', 'null'], minimum: 0 },
  median: numOrNull,
  q1: numOrNull,
  q3: numOrNull,
  ci95: interval,
});

const pairedStats = closed({
  n: count,
  meanDiff: numOrNull,
  ci95: interval,
  wilcoxonP: { type: ['number', 'null'], minimum: 0, maximum: 1 },
  wilcoxonMethod: { enum: ['exact', 'approx', null] },
});

export function cohortJsonSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://concord.invalid/schemas/concord.cohort/v1.json',
    title: 'Concord cohort evaluation (concord.cohort/v1)',
    description:
      'Per-structure distributions over a cohort of cases, volume agreement and paired model comparison (docs/cohort.md). Undefined values are null.',
    ...closed({
      schema: { const: 'concord.cohort/v1' },
      tool: closed({ name: { type: 'string' }, version: { type: 'string' } }),
      models: { type: 'array', items: { type: 'string', not: { const: '' } }, minItems: 1 },
      groupBy: { type: ['string', 'null'] },
      definitions: closed({
        metrics: { type: 'array', items: { type: 'string' } },
        tolerancesMm: { type: 'array', items: { type: 'number', minimum: 0 } },
        inclusion: { type: 'string' },
        sd: closed({ ddof: { const: 1 } }),
        quartiles: { const: 'linear' },
        bootstrap: closed({
          resamples: { type: 'integer', minimum: 1 },
          seed: { type: 'integer', minimum: 0 },
          prng: { const: 'mulberry32' },
          statistic: { const: 'mean' },
          interval: { const: 'percentile' },
          level: { const: 0.95 },
        }),
        wilcoxon: { type: 'string' },
        blandAltman: { type: 'string' },
        regression: { type: 'string' },
      }),
      cases: {
        type: 'array',
        items: closed(
          {
            id: { type: 'string', not: { const: '' } },
            status: { enum: ['ok', 'failed'] },
            error: { type: ['string', 'null'] },
            metadata: { type: 'object', additionalProperties: { type: 'string' } },
            reports: { type: 'object', additionalProperties: { type: 'string' } },
            // paths relative to the cohort folder (docs/cohort.md); absent in older files
            inputs: closed({
              image: { type: ['string', 'null'] },
              reference: { type: 'string' },
              predictions: { type: 'object', additionalProperties: { type: 'string' } },
            }),
          },
          ['id', 'status', 'error', 'metadata', 'reports'],
        ),
      },
      structures: {
        type: 'array',
        items: closed({
          label: { type: 'integer', minimum: 1, maximum: 65535 },
          name: { type: 'string' },
          model: { type: 'string' },
          group,
          n: count,
          metrics: { type: 'object', additionalProperties: metricStats },
          volume: closed({
            n: count,
            blandAltman: closed({
              bias: numOrNull,
              sd: numOrNull,
              loaLow: numOrNull,
              loaHigh: numOrNull,
            }),
            regression: closed({ slope: numOrNull, intercept: numOrNull, r2: numOrNull }),
          }),
        }),
      },
      paired: {
        type: 'array',
        items: closed({
          label: { type: 'integer', minimum: 1, maximum: 65535 },
          name: { type: 'string' },
          models: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
          group,
          metrics: { type: 'object', additionalProperties: pairedStats },
        }),
      },
      summary: closed({
        cases: count,
        ok: count,
        failed: count,
        failedCases: { type: 'array', items: { type: 'string' } },
        models: {
          type: 'array',
          items: closed({ model: { type: 'string' }, meanDice: numOrNull, pooledDice: numOrNull }),
        },
      }),
    }),
  };
}
