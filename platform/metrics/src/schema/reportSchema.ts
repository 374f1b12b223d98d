/**
 * The JSON Schema of `concord.report/v1` (docs/report.md). The structure row is generated from
 * the METRICS registry; scripts/generate-report-schema.ts writes this object to
 * report.schema.json (shipped with the code) and compiles the standalone validator from it.
 */
import { METRICS, VALUE_SCHEMAS } from '../engine/registry.ts';
import { lesionsSchema } from './lesionSchema.ts';
import { probabilisticSchemaProperties } from './probabilisticSchema.ts';

/** The structure-row schema: one property per registry field, required unless optional. */
export function structureRowSchema(): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: METRICS.filter((m) => m.presence === 'required').map((m) => m.key),
    properties: {
      ...Object.fromEntries(METRICS.map((m) => [m.key, VALUE_SCHEMAS[m.type]])),
      // a nested table (structures marked as instances), not a column of the registry
      lesions: { $ref: '#/definitions/lesions' },
    },
  };
}

/** The whole `concord.report/v1` schema. */
export function reportJsonSchema(): object {
  const top = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://concord.invalid/schemas/concord.report/v1.json',
    title: 'Concord EvaluationReport (concord.report/v1)',
    description:
      'Per-structure segmentation metrics of a prediction against a reference (docs/metrics.md, docs/report.md). Numbers are never NaN or Infinity: undefined values are null.',
    type: 'object',
    additionalProperties: false,
    required: [
      'schema',
      'generatedAt',
      'tool',
      'case',
      'reference',
      'prediction',
      'grid',
      'definitions',
      'structures',
      'summary',
    ],
    properties: {
      schema: {
        const: 'concord.report/v1',
      },
      generatedAt: {
        type: 'string',
        pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
      },
      tool: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'version'],
        properties: {
          name: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
        },
      },
      case: {
        type: 'object',
        additionalProperties: false,
        required: ['studyInstanceUID', 'seriesInstanceUID'],
        properties: {
          studyInstanceUID: {
            type: ['string', 'null'],
          },
          seriesInstanceUID: {
            type: ['string', 'null'],
          },
        },
      },
      reference: {
        $ref: '#/definitions/source',
      },
      prediction: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'source'],
        properties: {
          kind: {
            $ref: '#/definitions/kind',
          },
          source: {
            type: 'string',
          },
          model: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'version', 'sha256'],
            properties: {
              name: {
                type: 'string',
              },
              version: {
                type: 'string',
              },
              sha256: {
                type: 'string',
                pattern: '^[0-9a-f]{64}$',
              },
            },
          },
          backend: {
            type: 'string',
          },
          inferenceMs: {
            type: 'number',
            minimum: 0,
          },
        },
      },
      grid: {
        type: 'object',
        additionalProperties: false,
        required: ['dims', 'spacing', 'origin', 'direction'],
        properties: {
          dims: {
            type: 'array',
            items: {
              type: 'integer',
              minimum: 1,
            },
            minItems: 3,
            maxItems: 3,
          },
          spacing: {
            type: 'array',
            items: {
              type: 'number',
              exclusiveMinimum: 0,
            },
            minItems: 3,
            maxItems: 3,
          },
          origin: {
            type: 'array',
            items: {
              type: 'number',
            },
            minItems: 3,
            maxItems: 3,
          },
          direction: {
            type: 'array',
            items: {
              type: 'number',
              minimum: -1.000001,
              maximum: 1.000001,
            },
            minItems: 9,
            maxItems: 9,
          },
          frameOfReferenceUID: {
            type: 'string',
          },
        },
      },
      definitions: {
        type: 'object',
        additionalProperties: false,
        required: ['surface', 'percentile', 'tolerancesMm'],
        properties: {
          surface: {
            const: '6-connected',
          },
          percentile: {
            const: 'linear',
          },
          tolerancesMm: {
            type: 'array',
            items: {
              type: 'number',
              minimum: 0,
            },
            minItems: 1,
          },
          text: {
            type: 'string',
          },
        },
      },
      structures: {
        type: 'array',
        items: {
          $ref: '#/definitions/structure',
        },
      },
      summary: {
        type: 'object',
        additionalProperties: false,
        required: ['meanDice', 'meanJaccard', 'pooledDice', 'structuresEvaluated'],
        properties: {
          meanDice: {
            $ref: '#/definitions/unitOrNull',
          },
          meanJaccard: {
            $ref: '#/definitions/unitOrNull',
          },
          meanHd95: {
            $ref: '#/definitions/mmOrNull',
          },
          meanAssd: {
            $ref: '#/definitions/mmOrNull',
          },
          meanNsd: {
            $ref: '#/definitions/nsd',
          },
          pooledDice: {
            $ref: '#/definitions/unitOrNull',
          },
          structuresEvaluated: {
            type: 'integer',
            minimum: 0,
          },
        },
      },
      pairing: {
        description:
          'How reference and prediction structures were paired (docs/structures.md): by code, name or number; a structure on one side only has the other side null.',
        type: 'object',
        additionalProperties: false,
        required: ['match', 'overlap', 'pairs'],
        properties: {
          match: { enum: ['auto', 'code', 'name', 'number'] },
          overlap: {
            type: 'object',
            additionalProperties: false,
            required: ['reference', 'prediction'],
            properties: { reference: { type: 'boolean' }, prediction: { type: 'boolean' } },
          },
          pairs: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['label', 'name', 'reference', 'prediction', 'matchedBy'],
              properties: {
                label: { type: 'integer', minimum: 1, maximum: 65535 },
                name: { type: 'string' },
                reference: { $ref: '#/definitions/pairSide' },
                prediction: { $ref: '#/definitions/pairSide' },
                matchedBy: { enum: ['code', 'name', 'number', 'user', null] },
              },
            },
          },
        },
      },
      warnings: { type: 'array', items: { type: 'string' } },
      ...probabilisticSchemaProperties(),
      confusion: {
        description:
          'Label-by-label confusion matrix after pairing (labels are pair labels): counts[r][p] = voxels with reference labels[r] and prediction labels[p]. With overlapping structures a voxel counts in every cell of the structures it is in; row/column 0 = voxels in no structure of that input.',
        type: 'object',
        additionalProperties: false,
        required: ['labels', 'counts'],
        properties: {
          labels: {
            type: 'array',
            items: {
              type: 'integer',
              minimum: 0,
            },
          },
          counts: {
            type: 'array',
            items: {
              type: 'array',
              items: {
                type: 'integer',
                minimum: 0,
              },
            },
          },
        },
      },
    },
  };
  const definitions = {
    kind: {
      enum: ['nifti', 'dicom-seg', 'rtstruct', 'model', 'labelmap'],
    },
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'source'],
      properties: {
        kind: {
          $ref: '#/definitions/kind',
        },
        source: {
          type: 'string',
        },
      },
    },
    unit: {
      type: 'number',
      minimum: 0,
      maximum: 1,
    },
    unitOrNull: {
      oneOf: [
        {
          $ref: '#/definitions/unit',
        },
        {
          type: 'null',
        },
      ],
    },
    mmOrNull: {
      oneOf: [
        {
          type: 'number',
          minimum: 0,
        },
        {
          type: 'null',
        },
      ],
    },
    count: {
      type: 'integer',
      minimum: 0,
    },
    code: {
      type: 'object',
      additionalProperties: false,
      required: ['CodeValue', 'CodingSchemeDesignator', 'CodeMeaning'],
      properties: {
        CodeValue: { type: 'string' },
        CodingSchemeDesignator: { type: 'string' },
        CodeMeaning: { type: 'string' },
      },
    },
    pairSide: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['number', 'name'],
          properties: {
            number: { type: 'integer', minimum: 0, maximum: 65535 },
            name: { type: 'string' },
            codes: {
              type: 'object',
              additionalProperties: false,
              properties: {
                category: { $ref: '#/definitions/code' },
                type: { $ref: '#/definitions/code' },
                typeModifier: { $ref: '#/definitions/code' },
                anatomicRegion: { $ref: '#/definitions/code' },
                anatomicRegionModifier: { $ref: '#/definitions/code' },
              },
            },
          },
        },
      ],
    },
    nsd: {
      type: 'object',
      propertyNames: {
        pattern: '^[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?$',
      },
      additionalProperties: {
        $ref: '#/definitions/unitOrNull',
      },
    },
  };
  return {
    ...top,
    definitions: { ...definitions, lesions: lesionsSchema, structure: structureRowSchema() },
  };
}
