import { ModelMismatchError } from '@concord/core';
import type { ModelManifest } from './types.ts';
// Standalone ajv output (no eval at runtime: the viewer's CSP forbids it).
import { validate as validateSchema } from './validateManifestSchema.generated.js';

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword: string;
}

function describeAjvError(e: AjvError): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
  if (e.keyword === 'additionalProperties')
    return `${where}: unknown property "${String(e.params?.additionalProperty)}"`;
  if (e.keyword === 'enum')
    return `${where}: must be one of ${JSON.stringify(e.params?.allowedValues)}`;
  if (e.keyword === 'const') return `${where}: must be ${JSON.stringify(e.params?.allowedValue)}`;
  return `${where}: ${e.message ?? e.keyword}`;
}

/**
 * Validates a parsed manifest against the concord.model/v1 JSON Schema and the rules a schema
 * cannot express (layout vs dimensionality, unique labels, ...). Throws ModelMismatchError
 * with a one-line reason; `source` names the file in the message.
 */
export function validateManifest(json: unknown, source = 'model manifest'): ModelManifest {
  const fail = (why: string): never => {
    throw new ModelMismatchError(`${source} is not a valid concord.model/v1 manifest: ${why}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('not a JSON object');
  const schema = (json as { schema?: unknown }).schema;
  if (schema !== 'concord.model/v1')
    fail(`"schema" is ${JSON.stringify(schema)}, expected "concord.model/v1"`);
  if (!validateSchema(json)) {
    const errors = ((validateSchema as { errors?: AjvError[] }).errors ?? []).filter(
      // oneOf failures repeat the branch errors; keep the branch errors only
      (e) => e.keyword !== 'oneOf' && e.keyword !== 'if',
    );
    const shown = errors.slice(0, 3).map(describeAjvError);
    fail(shown.join('; ') + (errors.length > 3 ? ` (+${errors.length - 3} more)` : ''));
  }
  const m = json as ModelManifest;
  const expectLayout = m.dimensionality === '2d' ? 'NCHW' : 'NCDHW';
  if (m.input.layout !== expectLayout)
    fail(`input.layout ${m.input.layout} does not fit dimensionality ${m.dimensionality}`);
  const spatial = m.dimensionality === '2d' ? 2 : 3;
  if (m.input.patchSize && m.input.patchSize.length !== spatial)
    fail(
      `input.patchSize has ${m.input.patchSize.length} sizes, ${m.dimensionality} needs ${spatial}`,
    );
  if (m.input.patchSize && m.input.multipleOf) {
    const bad = m.input.patchSize.find((s) => s % m.input.multipleOf! !== 0);
    if (bad !== undefined)
      fail(`input.patchSize ${bad} is not a multiple of ${m.input.multipleOf}`);
  }
  const seen = new Set<number>();
  for (const c of m.classes) {
    if (seen.has(c.label)) fail(`classes: label ${c.label} appears twice`);
    seen.add(c.label);
  }
  const pre = m.preprocessing;
  const orientationProblem = checkOrientationCode(pre.orientation);
  if (orientationProblem) fail(`preprocessing.orientation: ${orientationProblem}`);
  if (pre.resample === 'conform') {
    if (pre.orientation !== 'LIA')
      fail(
        `preprocessing.orientation must be "LIA" with resample "conform" (got "${pre.orientation}")`,
      );
    if (!pre.spacing || pre.spacing.some((s) => s !== 1))
      fail('preprocessing.spacing must be [1, 1, 1] with resample "conform"');
    if (m.dimensionality !== '3d') fail('resample "conform" needs a 3d model');
  }
  if ((pre.resample === 'conform' || pre.crop) && !seen.has(0))
    fail(
      `classes: ${pre.crop ? 'preprocessing.crop' : 'resample "conform"'} needs a background class (label 0) for the voxels the model does not see`,
    );
  const it = m.preprocessing.intensity;
  if (it.type === 'percentile' && !(it.low < it.high))
    fail(`preprocessing.intensity: low (${it.low}) must be below high (${it.high})`);
  if ((it.type === 'percentile' || it.type === 'window') && it.outputRange[0] >= it.outputRange[1])
    fail('preprocessing.intensity.outputRange must be increasing');
  if (it.type === 'zscore' && (it.mean === undefined) !== (it.std === undefined))
    fail('preprocessing.intensity: give both mean and std, or neither (per-volume statistics)');
  return m;
}

/**
 * Why a three-letter axis code is not a valid orientation (undefined when it is): each letter
 * is one of R/L, A/P, S/I, and each pair appears exactly once.
 */
export function checkOrientationCode(code: string): string | undefined {
  if (!/^[RLAPSI]{3}$/.test(code))
    return `"${code}" is not a three-letter axis code of R/L, A/P, S/I`;
  for (const pair of ['RL', 'AP', 'SI']) {
    const n = [...code].filter((c) => pair.includes(c)).length;
    if (n !== 1)
      return `"${code}" must contain exactly one of R/L, one of A/P and one of S/I (${pair[0]}/${pair[1]}: ${n})`;
  }
  return undefined;
}

/** Parses manifest text (JSON) and validates it. */
export function parseManifest(text: string, source = 'model manifest'): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelMismatchError(`${source} is not valid JSON (${(e as Error).message})`);
  }
  return validateManifest(json, source);
}

/** What an ONNX session exposes about its graph (ORT's inputNames/outputNames + metadata). */
export interface ModelGraphInfo {
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** Per-value metadata where the runtime exposes it (ORT ≥ 1.22: `session.inputMetadata`). */
  inputs?: readonly ValueInfo[];
  outputs?: readonly ValueInfo[];
}

export interface ValueInfo {
  name: string;
  /** Tensor element type, e.g. 'float32'. */
  type?: string;
  /** Numbers for fixed dims, strings (or -1) for symbolic ones; empty/undefined = unknown. */
  shape?: readonly (number | string)[];
}

const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;

function fmtShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (fixed(d) ? d : '?')).join(', ')}]`;
}

/**
 * Checks a manifest against the ONNX graph before any inference: input/output names, ranks,
 * element type, channel count, class count and fixed spatial dims. Throws ModelMismatchError
 * saying what differs.
 */
export function checkManifestAgainstGraph(m: ModelManifest, g: ModelGraphInfo): void {
  const fail = (why: string): never => {
    throw new ModelMismatchError(`Model ${m.name} does not match its manifest: ${why}`);
  };
  if (!g.inputNames.includes(m.input.name))
    fail(`input "${m.input.name}" is not in the graph (inputs: ${g.inputNames.join(', ')})`);
  if (!g.outputNames.includes(m.output.name))
    fail(`output "${m.output.name}" is not in the graph (outputs: ${g.outputNames.join(', ')})`);
  if (g.inputNames.length !== 1)
    fail(
      `the graph has ${g.inputNames.length} inputs (${g.inputNames.join(', ')}); Concord feeds one`,
    );
  const rank = m.input.layout.length;
  const spatial = m.input.patchSize;
  const input = g.inputs?.find((v) => v.name === m.input.name);
  if (input?.type && input.type !== m.input.dtype)
    fail(`input "${input.name}" has element type ${input.type}, manifest says ${m.input.dtype}`);
  if (input?.shape && input.shape.length > 0) {
    const s = input.shape;
    if (s.length !== rank)
      fail(
        `input "${input.name}" has rank ${s.length} ${fmtShape(s)}, layout ${m.input.layout} needs ${rank}`,
      );
    if (fixed(s[1]) && s[1] !== m.input.channels)
      fail(
        `input "${input.name}" has ${s[1]} channels ${fmtShape(s)}, manifest says ${m.input.channels}`,
      );
    for (let a = 2; a < rank; a++) {
      if (!fixed(s[a])) continue;
      if (!spatial)
        fail(
          `input "${input.name}" has fixed spatial size ${fmtShape(s)} but the manifest gives no patchSize`,
        );
      else if (spatial[a - 2] !== s[a])
        fail(
          `input "${input.name}" has spatial size ${fmtShape(s)}, manifest patchSize is [${spatial.join(', ')}]`,
        );
    }
  }
  const output = g.outputs?.find((v) => v.name === m.output.name);
  if (output?.shape && output.shape.length > 0) {
    const s = output.shape;
    if (s.length !== rank)
      fail(`output "${output.name}" has rank ${s.length} ${fmtShape(s)}, expected ${rank}`);
    if (fixed(s[1]) && s[1] !== m.classes.length)
      fail(
        `output "${output.name}" has ${s[1]} classes ${fmtShape(s)}, manifest lists ${m.classes.length}`,
      );
  }
}

/** Lower-case hex sha256 (Web Crypto: available in Node ≥ 20, browsers and workers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Refuses a model file whose sha256 differs from the manifest's. */
export async function checkModelSha256(m: ModelManifest, modelBytes: Uint8Array): Promise<void> {
  const actual = await sha256Hex(modelBytes);
  if (actual !== m.sha256)
    throw new ModelMismatchError(
      `Model file ${m.file} does not match its manifest: sha256 is ${actual}, manifest says ${m.sha256}`,
    );
}
