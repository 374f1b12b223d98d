import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { ModelMismatchError } from '@concord/core';
import { createOrtBackend } from '../backends/ort.ts';
import {
  checkManifestAgainstGraph,
  checkModelSha256,
  parseManifest,
  sha256Hex,
  validateManifest,
} from './validate.ts';
import type { ModelManifest } from './types.ts';
// @ts-expect-error plain .mjs generator without types
import { generate } from '../../scripts/generate-manifest-validator.mjs';

const models = new URL('../../models/', import.meta.url);
const SHIPPED = [
  'unet2d-colin27-ce',
  'unet2d-colin27-dice',
  'unet3d-colin27-tiny',
  'meshnet-colin27-conform',
];
const read = (name: string) => readFileSync(new URL(name, models));
const manifestOf = (name: string): ModelManifest =>
  parseManifest(read(`${name}.json`).toString(), name);
const clone = (m: ModelManifest): ModelManifest => structuredClone(m);

describe('manifest schema (concord.model/v1)', () => {
  it('the committed standalone validator is generated from the committed schema', async () => {
    const committed = readFileSync(
      fileURLToPath(new URL('validateManifestSchema.generated.js', import.meta.url)),
      'utf8',
    );
    expect(committed).toBe(await generate());
  });

  it.each(SHIPPED)('accepts the shipped manifest %s', (name) => {
    const m = manifestOf(name);
    expect(m.schema).toBe('concord.model/v1');
    expect(m.classes).toHaveLength(8);
    // specific SNOMED CT codes for the lobes and the cerebellum; none for the merged structures
    expect(m.classes.map((c) => c.code?.type?.CodeValue ?? null)).toEqual([
      null,
      '83251001',
      '16630005',
      '78277001',
      '31065004',
      null,
      null,
      '113305005',
    ]);
  });

  const base = () => clone(manifestOf('unet2d-colin27-ce'));
  const bad: [string, (m: Record<string, unknown> & ModelManifest) => void, RegExp][] = [
    [
      'a wrong schema id',
      (m) => ((m as { schema: string }).schema = 'concord.model/v2'),
      /"schema" is "concord.model\/v2"/,
    ],
    [
      'a missing file',
      (m) => delete (m as Partial<ModelManifest>).file,
      /must have required property 'file'/,
    ],
    ['an unknown property', (m) => (m.extra = 1), /unknown property "extra"/],
    ['a short sha256', (m) => (m.sha256 = 'abc'), /sha256: must match pattern/],
    [
      'an unknown intensity type',
      (m) => ((m.preprocessing.intensity as { type: string }).type = 'minmax'),
      /preprocessing.intensity/,
    ],
    [
      'a 3D layout on a 2D model',
      (m) => (m.input.layout = 'NCDHW'),
      /layout NCDHW does not fit dimensionality 2d/,
    ],
    ['a duplicated label', (m) => (m.classes[2].label = 1), /label 1 appears twice/],
    [
      'percentiles in the wrong order',
      (m) => {
        const it = m.preprocessing.intensity as { low: number; high: number };
        it.low = 99;
        it.high = 1;
      },
      /low \(99\) must be below high \(1\)/,
    ],
    [
      'a patch size of the wrong rank',
      (m) => (m.input.patchSize = [64, 64, 64]),
      /patchSize has 3 sizes, 2d needs 2/,
    ],
    [
      'a colour out of range',
      (m) => (m.classes[1].color = [300, 0, 0]),
      /classes.1.color.0: must be <= 255/,
    ],
    [
      'a class code without a type',
      (m) => delete (m.classes[1].code as Partial<NonNullable<(typeof m.classes)[1]['code']>>).type,
      /classes.1.code: must have required property 'type'/,
    ],
    [
      'a class code with a CodeValue longer than SH (16)',
      (m) => (m.classes[1].code!.type!.CodeValue = '1'.repeat(17)),
      /classes.1.code.type.CodeValue: must NOT have more than 16 characters/,
    ],
    [
      'an orientation naming R/L twice',
      (m) => (m.preprocessing.orientation = 'RAL'),
      /orientation: "RAL" must contain exactly one of R\/L, one of A\/P and one of S\/I/,
    ],
    [
      'an orientation that is not an axis code',
      (m) => (m.preprocessing.orientation = 'XYZ'),
      /preprocessing.orientation: must match pattern/,
    ],
    [
      'an unknown resample mode',
      (m) => ((m.preprocessing as { resample?: string }).resample = 'cubic'),
      /preprocessing.resample: must be one of \["spacing","conform"\]/,
    ],
    [
      'conform with an RAS orientation',
      (m) => {
        m.dimensionality = '3d';
        m.input.layout = 'NCDHW';
        delete m.input.patchSize;
        m.preprocessing.resample = 'conform';
        m.preprocessing.spacing = [1, 1, 1];
      },
      /orientation must be "LIA" with resample "conform"/,
    ],
    [
      'conform with another spacing',
      (m) => {
        m.dimensionality = '3d';
        m.input.layout = 'NCDHW';
        delete m.input.patchSize;
        m.preprocessing.resample = 'conform';
        m.preprocessing.orientation = 'LIA';
        m.preprocessing.spacing = [2, 2, 2];
      },
      /spacing must be \[1, 1, 1\] with resample "conform"/,
    ],
    [
      'a crop without a background class',
      (m) => {
        m.preprocessing.crop = { margin: 4 };
        m.classes = m.classes.filter((c) => c.label !== 0);
      },
      /preprocessing.crop needs a background class \(label 0\)/,
    ],
    [
      'a negative crop margin',
      (m) => (m.preprocessing.crop = { margin: -1 }),
      /margin: must be >= 0/,
    ],
    [
      'an unknown postprocessing',
      (m) => (m.postprocessing = { largestComponent: 'all' as 'perClass' }),
      /postprocessing.largestComponent: must be one of/,
    ],
  ];
  it.each(bad)('rejects %s with a reason', (_, mutate, reason) => {
    const m = base() as Record<string, unknown> & ModelManifest;
    mutate(m);
    expect(() => validateManifest(m, 'test.json')).toThrow(ModelMismatchError);
    expect(() => validateManifest(m, 'test.json')).toThrow(reason);
  });

  it('accepts every valid axis code and the new optional fields (old manifests stay valid)', () => {
    for (const code of ['RAS', 'LPS', 'LIA', 'PIL', 'SRA', 'IPR', 'ASL']) {
      const m = base();
      m.preprocessing.orientation = code;
      expect(validateManifest(m).preprocessing.orientation).toBe(code);
    }
    const m = base();
    m.preprocessing.resample = 'spacing';
    m.preprocessing.crop = { threshold: 10, margin: 3 };
    m.postprocessing = { largestComponent: 'foreground', fillHoles: true };
    expect(validateManifest(m).postprocessing).toEqual({
      largestComponent: 'foreground',
      fillHoles: true,
    });
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseManifest('{"schema":', 'x.json')).toThrow(/x.json is not valid JSON/);
  });
});

describe('manifest vs ONNX graph (onnxruntime-node session metadata)', () => {
  const bytes = new Uint8Array(read('unet2d-colin27-ce.onnx'));
  const create = (m: ModelManifest, b = bytes) =>
    createOrtBackend(ortNode, m, b, {
      executionProviders: ['cpu'],
      name: 'native',
      threads: 1,
      setIntraOpThreads: true,
    });

  it('accepts the shipped 2D and 3D models, recording the graph', async () => {
    for (const name of ['unet2d-colin27-ce', 'unet3d-colin27-tiny']) {
      const m = manifestOf(name);
      const b = await createOrtBackend(ortNode, m, new Uint8Array(read(m.file)), {
        executionProviders: ['cpu'],
        name: 'native',
        threads: 1,
      });
      expect(b.graph.inputNames).toEqual(['image']);
      expect(b.graph.inputs?.[0].shape?.[1]).toBe(1);
      await b.release();
    }
  });

  it('names a wrong input name', async () => {
    const m = manifestOf('unet2d-colin27-ce');
    m.input.name = 'input';
    await expect(create(m)).rejects.toThrow(/input "input" is not in the graph \(inputs: image\)/);
  });

  it('names a wrong output name', async () => {
    const m = manifestOf('unet2d-colin27-ce');
    m.output.name = 'probs';
    await expect(create(m)).rejects.toThrow(
      /output "probs" is not in the graph \(outputs: logits\)/,
    );
  });

  it('names a wrong channel count', async () => {
    const m = manifestOf('unet2d-colin27-ce');
    m.input.channels = 3;
    await expect(create(m)).rejects.toThrow(
      /input "image" has 1 channels \[\?, 1, \?, \?\], manifest says 3/,
    );
  });

  it('names a wrong class count, patch size and rank', () => {
    const graph = {
      inputNames: ['image'],
      outputNames: ['logits'],
      inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, 112, 96] }],
      outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 8, 112, 96] }],
    };
    const m = manifestOf('unet2d-colin27-ce');
    m.classes = m.classes.slice(0, 5);
    expect(() => checkManifestAgainstGraph(m, graph)).toThrow(/has 8 classes .* manifest lists 5/);
    const p = manifestOf('unet2d-colin27-ce');
    p.input.patchSize = [128, 128];
    expect(() => checkManifestAgainstGraph(p, graph)).toThrow(
      /spatial size \[\?, 1, 112, 96\], manifest patchSize is \[128, 128\]/,
    );
    const r = manifestOf('unet3d-colin27-tiny');
    expect(() => checkManifestAgainstGraph(r, graph)).toThrow(/has rank 4 .* layout NCDHW needs 5/);
  });

  it('refuses a model file whose sha256 differs, saying both', async () => {
    const m = manifestOf('unet2d-colin27-ce');
    expect(await sha256Hex(bytes)).toBe(m.sha256);
    await expect(checkModelSha256(m, bytes)).resolves.toBeUndefined();
    const tampered = bytes.slice();
    tampered[tampered.length - 1] ^= 1;
    await expect(create(m, tampered)).rejects.toThrow(ModelMismatchError);
    await expect(checkModelSha256(m, tampered)).rejects.toThrow(
      new RegExp(`sha256 is [0-9a-f]{64}, manifest says ${m.sha256}`),
    );
  });
});
