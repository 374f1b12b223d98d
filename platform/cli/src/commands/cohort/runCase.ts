/**
 * One case of `concord cohort` (docs/cohort.md#runs): per model the `concord metrics` report
 * (the same metricsReport), or inference first when the model is given with --model. Results
 * are written atomically (temporary file, then rename), so a case re-run by another worker
 * after a crash overwrites whole files with the same content: writes are idempotent.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, userMessage } from '@concord/core';
import packageJson from '../../../package.json' with { type: 'json' };
import type { MatchOption } from '../../options.ts';
import type { CaseSpec } from './casesFile.ts';

/** Options shared by every case of a run (all paths absolute). */
export interface CaseRunOptions {
  out: string;
  /** manifest path per model name, when the models run inference */
  modelManifests?: Record<string, string>;
  tolerancesMm: number[];
  /** how reference and prediction structures are paired (as `concord metrics --match`) */
  match?: MatchOption;
}

/** `<out>/cases/<id>/case.json`: what the cohort reads back. */
export interface CaseRecord {
  id: string;
  /** content hash of the inputs and options (sha256 hex) */
  key: string;
  status: 'ok' | 'failed';
  error: string | null;
  /** report path per model, relative to `out` */
  reports: Record<string, string>;
}

export const caseDir = (out: string, id: string) => path.join(out, 'cases', id);
export const recordFile = (out: string, id: string) => path.join(caseDir(out, id), 'case.json');
export const reportFile = (id: string, model: string) =>
  path.posix.join('cases', id, `report-${model}.json`);

/** sha256 of a file, or of every file of a folder (relative paths and contents, sorted). */
async function hashPath(p: string, h: ReturnType<typeof createHash>): Promise<void> {
  const st = statSync(p);
  if (st.isDirectory()) {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.isFile()) files.push(f);
      }
    };
    walk(p);
    for (const f of files) {
      h.update(`\0${path.relative(p, f)}\0`);
      await hashFile(f, h);
    }
  } else await hashFile(p, h);
}

function hashFile(file: string, h: ReturnType<typeof createHash>): Promise<void> {
  return new Promise((resolve, reject) =>
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', resolve)
      .on('error', reject),
  );
}

async function contentHash(p: string, what: string): Promise<string> {
  if (!existsSync(p)) throw new InvalidInputError(`${what} ${p}: no such file or folder`);
  const h = createHash('sha256');
  await hashPath(p, h);
  return h.digest('hex');
}

/**
 * The content key of a case: hashes of every input it reads (files and folders by content) and
 * of the options that change its numbers. Equal keys mean equal results.
 */
export async function caseKey(spec: CaseSpec, o: CaseRunOptions): Promise<string> {
  const inputs: Record<string, string> = {
    reference: await contentHash(spec.reference, 'reference'),
  };
  if (spec.image) inputs.image = await contentHash(spec.image, 'image');
  for (const [m, p] of Object.entries(spec.predictions))
    inputs[`prediction:${m}`] = await contentHash(p, 'prediction');
  for (const [m, p] of Object.entries(o.modelManifests ?? {})) {
    inputs[`model:${m}`] = await contentHash(p, 'model');
    const onnx = modelOnnx(p);
    if (onnx) inputs[`onnx:${m}`] = await contentHash(onnx, 'model');
  }
  return createHash('sha256')
    .update(
      JSON.stringify({
        tool: packageJson.version,
        tolerancesMm: o.tolerancesMm,
        match: o.match ?? 'auto',
        inputs,
      }),
    )
    .digest('hex');
}

function modelOnnx(manifest: string): string | null {
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { file?: string; model?: string };
    const f = m.file ?? m.model;
    return typeof f === 'string' ? path.resolve(path.dirname(manifest), f) : null;
  } catch {
    return null;
  }
}

/** Writes `text` to `file` whole: a temporary file in the same folder, then a rename. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** Reads a case record; null when missing or unreadable. */
export async function readRecord(out: string, id: string): Promise<CaseRecord | null> {
  try {
    return JSON.parse(await readFile(recordFile(out, id), 'utf8')) as CaseRecord;
  } catch {
    return null;
  }
}

/** Whether a finished record of these inputs is there (its reports too): the case can be skipped. */
export function isDone(record: CaseRecord | null, key: string, out: string): boolean {
  return (
    record !== null &&
    record.key === key &&
    record.status === 'ok' &&
    Object.values(record.reports).every((r) => existsSync(path.join(out, r)))
  );
}

async function evaluateModel(spec: CaseSpec, model: string, o: CaseRunOptions): Promise<string> {
  const { metricsReport } = await import('../metrics.ts');
  let prediction = spec.predictions[model];
  let labels: number[] | undefined;
  let names: Map<number, string> | undefined;
  const manifest = o.modelManifests?.[model];
  if (manifest) {
    const { infer } = await import('../infer.ts');
    prediction = path.join(caseDir(o.out, spec.id), `prediction-${model}.nii.gz`);
    await mkdir(path.dirname(prediction), { recursive: true });
    await infer({
      model: manifest,
      input: spec.image!,
      out: prediction,
      backend: 'auto',
      threads: 1,
      progress: false,
    });
    const classes = (
      JSON.parse(readFileSync(manifest, 'utf8')) as { classes: { label: number; name: string }[] }
    ).classes.filter((c) => c.label !== 0);
    labels = classes.map((c) => c.label);
    names = new Map(classes.map((c) => [c.label, c.name]));
  }
  const report = await metricsReport({
    reference: spec.reference,
    prediction,
    series: spec.image ?? undefined,
    labels,
    names,
    tolerancesMm: o.tolerancesMm,
    match: o.match,
    format: 'json',
    threads: 1,
    // pairing warnings stay in the report's `warnings`: stderr lists only failed cases
    quiet: true,
  });
  const rel = reportFile(spec.id, model);
  await writeAtomic(path.join(o.out, rel), JSON.stringify(report, null, 2) + '\n');
  return rel;
}

/**
 * Runs one case and writes its reports and record; never throws for a bad case (the record
 * says failed, with the one-line reason). `key` is computed here when not given.
 */
export async function runCase(
  spec: CaseSpec,
  o: CaseRunOptions,
  key?: string,
): Promise<CaseRecord> {
  let record: CaseRecord;
  try {
    key ??= await caseKey(spec, o);
    const reports: Record<string, string> = {};
    const models = o.modelManifests ? Object.keys(o.modelManifests) : Object.keys(spec.predictions);
    for (const m of models) reports[m] = await evaluateModel(spec, m, o);
    record = { id: spec.id, key, status: 'ok', error: null, reports };
  } catch (e) {
    record = {
      id: spec.id,
      key: key ?? '',
      status: 'failed',
      error: userMessage(e).split('\n')[0],
      reports: {},
    };
  }
  await writeAtomic(recordFile(o.out, spec.id), JSON.stringify(record, null, 2) + '\n');
  return record;
}
