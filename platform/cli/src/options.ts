/**
 * Option parsers of the `concord` commands (docs/cli.md). Kept apart from the commands so that
 * building the program (`--help`, `--version`) loads no engine.
 */
import { InvalidArgumentError } from 'commander';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be an integer 0-65535');
  return n;
}

/** `--tolerance 1,2` -> [1, 2] (mm, non-negative). */
export function parseTolerances(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => s === '') || out.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new InvalidArgumentError('expected non-negative numbers in mm, e.g. 1,2');
  }
  return out;
}

/** `--labels 1,2,5` -> [1, 2, 5]. */
export function parseLabelList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((s) => s === '') || out.some((x) => !Number.isInteger(x) || x < 1 || x > 65535)) {
    throw new InvalidArgumentError('expected labels 1-65535 separated by commas, e.g. 1,2,5');
  }
  return out;
}

export function parseFormat(v: string): 'json' | 'csv' {
  if (v !== 'json' && v !== 'csv') throw new InvalidArgumentError('must be json or csv');
  return v;
}

export type BackendOption = 'auto' | 'wasm' | 'native';

export function parseBackend(v: string): BackendOption {
  if (v !== 'auto' && v !== 'wasm' && v !== 'native')
    throw new InvalidArgumentError('must be auto, wasm or native');
  return v;
}

/** `--threads` of `concord infer` (runtime threads). */
export function parseThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError('must be an integer 1-64');
  return n;
}

/** `--threads` of `concord metrics` (surface-distance threads). */
export function parseMetricThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be 1-64');
  return n;
}

/** `--match code|name|number|auto`: how reference and prediction structures are paired. */
export type MatchOption = 'auto' | 'code' | 'name' | 'number';
export function parseMatch(v: string): MatchOption {
  if (v !== 'auto' && v !== 'code' && v !== 'name' && v !== 'number')
    throw new InvalidArgumentError('must be auto, code, name or number');
  return v;
}

/** A positive integer option (`--workers`, `--bootstrap`, `--concurrency`). */
export function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `--seed`: an unsigned 32-bit integer (the generator's state, docs/cohort.md#bootstrap). */
export function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('must be an integer 0-4294967295');
  return n;
}

export type SegTypeOption = 'BINARY' | 'LABELMAP';

/** `--seg-type binary|labelmap` -> the DICOM SegmentationType of the SEG written. */
export function parseSegType(v: string): SegTypeOption {
  const t = v.toLowerCase();
  if (t !== 'binary' && t !== 'labelmap')
    throw new InvalidArgumentError('must be binary or labelmap');
  return t === 'binary' ? 'BINARY' : 'LABELMAP';
}
