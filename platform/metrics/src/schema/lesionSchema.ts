/**
 * JSON Schema of a structure row's optional `lesions` (docs/report.md, docs/metrics.md#lesion-wise-evaluation);
 * reportSchema.ts puts it into the `concord.report/v1` schema.
 */
const count = { $ref: '#/definitions/count' };
const unitOrNull = { $ref: '#/definitions/unitOrNull' };
const ml = { type: 'number', minimum: 0 };
const vec3 = { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 };

const lesionRow = {
  type: 'object',
  additionalProperties: false,
  required: [
    'kind',
    'reference',
    'prediction',
    'referenceVoxels',
    'predictionVoxels',
    'referenceMl',
    'predictionMl',
    'iou',
    'dice',
    'bestIou',
    'centroidIndex',
    'centroidMm',
    'slice',
  ],
  properties: {
    kind: { enum: ['matched', 'missed', 'false'] },
    reference: { type: ['integer', 'null'], minimum: 1 },
    prediction: { type: ['integer', 'null'], minimum: 1 },
    referenceVoxels: count,
    predictionVoxels: count,
    referenceMl: ml,
    predictionMl: ml,
    iou: unitOrNull,
    dice: unitOrNull,
    bestIou: unitOrNull,
    centroidIndex: vec3,
    centroidMm: vec3,
    slice: { type: 'integer', minimum: 0 },
  },
};

export const lesionsSchema = {
  description:
    'Lesion-wise evaluation of a structure marked as instances: connected components, one-to-one matching, detection counts and panoptic quality (docs/metrics.md#lesion-wise-evaluation).',
  type: 'object',
  additionalProperties: false,
  required: [
    'connectivity',
    'match',
    'iouThreshold',
    'referenceLesions',
    'predictionLesions',
    'tp',
    'fp',
    'fn',
    'precision',
    'recall',
    'f1',
    'sq',
    'rq',
    'pq',
    'lesions',
  ],
  properties: {
    connectivity: { enum: [6, 26] },
    match: { enum: ['iou', 'overlap'] },
    iouThreshold: {
      oneOf: [{ type: 'number', minimum: 0, exclusiveMaximum: 1 }, { type: 'null' }],
    },
    referenceLesions: count,
    predictionLesions: count,
    tp: count,
    fp: count,
    fn: count,
    precision: unitOrNull,
    recall: unitOrNull,
    f1: unitOrNull,
    sq: unitOrNull,
    rq: unitOrNull,
    pq: unitOrNull,
    lesions: { type: 'array', items: lesionRow },
  },
};
