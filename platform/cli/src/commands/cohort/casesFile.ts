/**
 * The cases file of `concord cohort` (docs/cohort.md#the-cases-file): RFC 4180 CSV with a header
 * row, parsed by csv-parse. Paths are relative to the CSV file. Any problem is one line
 * (InvalidInputError, exit code 3) before anything runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '@concord/core';

/** One case to evaluate: absolute paths, a prediction per model or models to run. */
export interface CaseSpec {
  id: string;
  /** image: DICOM series folder or NIfTI (needed for DICOM SEG inputs and for --model) */
  image: string | null;
  reference: string;
  /** prediction file per model name (empty when the models run inference) */
  predictions: Record<string, string>;
  /** every other column */
  metadata: Record<string, string>;
}

export interface CasesFile {
  cases: CaseSpec[];
  /** model names in column order: `prediction`, `prediction_<name>` or the --model names */
  models: string[];
  metadataColumns: string[];
}

const RESERVED = new Set(['case_id', 'image', 'reference']);
const isPredictionColumn = (c: string) => c === 'prediction' || /^prediction_.+/.test(c);
// ids and model names become folder and file names: no separators, no dot-only names
const SAFE_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

/** Parses the cases file; `modelNames` are the --model names (then no prediction column). */
export function readCasesFile(file: string, modelNames: readonly string[] = []): CasesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidInputError(
      `cases file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (e) {
    throw new InvalidInputError(`cases file ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (records.length === 0) throw new InvalidInputError(`cases file ${file} is empty`);
  const header = records[0].map((h) => h.trim());
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined)
    throw new InvalidInputError(`cases file ${file}: column "${dup}" appears twice`);
  for (const need of ['case_id', 'reference']) {
    if (!header.includes(need))
      throw new InvalidInputError(
        `cases file ${file}: no "${need}" column (header: ${header.join(',')})`,
      );
  }
  const predictionColumns = header.filter(isPredictionColumn);
  if (predictionColumns.includes('prediction') && predictionColumns.length > 1)
    throw new InvalidInputError(
      `cases file ${file}: give either "prediction" or "prediction_<model>" columns, not both`,
    );
  if (modelNames.length && predictionColumns.length)
    throw new InvalidInputError(
      `cases file ${file}: prediction columns and --model are exclusive (the models make the predictions)`,
    );
  if (!modelNames.length && !predictionColumns.length)
    throw new InvalidInputError(
      `cases file ${file}: no "prediction" or "prediction_<model>" column, and no --model`,
    );
  if (modelNames.length && !header.includes('image'))
    throw new InvalidInputError(`cases file ${file}: --model needs an "image" column`);
  const models = modelNames.length
    ? [...modelNames]
    : predictionColumns.map((c) =>
        c === 'prediction' ? 'prediction' : c.slice('prediction_'.length),
      );
  for (const m of models)
    if (!SAFE_NAME.test(m))
      throw new InvalidInputError(
        `cases file ${file}: model name "${m}" must be letters, digits, '.', '_' or '-'`,
      );
  if (new Set(models).size !== models.length)
    throw new InvalidInputError(
      `cases file ${file}: two models are named alike (${models.join(', ')})`,
    );
  if (records.length === 1)
    throw new InvalidInputError(`cases file ${file} has a header but no cases`);

  const metadataColumns = header.filter((c) => !RESERVED.has(c) && !isPredictionColumn(c));
  const dir = path.dirname(path.resolve(file));
  const resolve = (v: string) => path.resolve(dir, v);
  const seen = new Set<string>();
  const cases = records.slice(1).map((r, i) => {
    const line = `cases file ${file} row ${i + 2}`;
    const get = (c: string) => (r[header.indexOf(c)] ?? '').trim();
    const id = get('case_id');
    if (!SAFE_NAME.test(id))
      throw new InvalidInputError(
        `${line}: case_id "${id}" must be letters, digits, '.', '_' or '-'`,
      );
    if (seen.has(id)) throw new InvalidInputError(`${line}: case_id "${id}" appears twice`);
    seen.add(id);
    if (!get('reference')) throw new InvalidInputError(`${line}: empty reference`);
    const image = header.includes('image') && get('image') ? resolve(get('image')) : null;
    if (modelNames.length && !image)
      throw new InvalidInputError(`${line}: empty image (needed by --model)`);
    const predictions: Record<string, string> = {};
    predictionColumns.forEach((c, k) => {
      if (!get(c)) throw new InvalidInputError(`${line}: empty ${c}`);
      predictions[models[k]] = resolve(get(c));
    });
    return {
      id,
      image,
      reference: resolve(get('reference')),
      predictions,
      metadata: Object.fromEntries(metadataColumns.map((c) => [c, get(c)])),
    };
  });
  return { cases, models, metadataColumns };
}
