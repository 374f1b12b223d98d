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

/**
 * `--max-memory` of `concord infer`: bytes from `4GiB`, `4G`, `3000MiB`, `3000M`, `512KiB` or a
 * plain number of bytes (binary units: G = GiB).
 */
export function parseMemorySize(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|ki|kib|kb|m|mi|mib|mb|g|gi|gib|gb|t|ti|tib|tb|b)?\s*$/i.exec(
    v,
  );
  if (!m) throw new InvalidArgumentError('expected a size such as 4GiB, 3000MiB or 4G');
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1;
  const bytes = Math.floor(Number(m[1]) * scale);
  if (!(bytes >= 1024 ** 2)) throw new InvalidArgumentError('must be at least 1 MiB');
  return bytes;
}

/** `--connectivity 6|26`: neighbourhood of a lesion's connected components. */
export function parseConnectivity(v: string): 6 | 26 {
  if (v !== '6' && v !== '26') throw new InvalidArgumentError('must be 6 or 26');
  return v === '6' ? 6 : 26;
}

/** `--lesion-match iou|overlap`: how reference and predicted lesions are matched. */
export type LesionMatchOption = 'iou' | 'overlap';
export function parseLesionMatch(v: string): LesionMatchOption {
  if (v !== 'iou' && v !== 'overlap') throw new InvalidArgumentError('must be iou or overlap');
  return v;
}

/** What `--instances`, `--connectivity` and `--lesion-match` add to the metric options. */
export function instanceOptions(o: {
  instances?: number[];
  connectivity?: 6 | 26;
  lesionMatch?: LesionMatchOption;
}): { labels: number[]; connectivity?: 6 | 26; match?: LesionMatchOption } | undefined {
  if (!o.instances) return undefined;
  return { labels: o.instances, connectivity: o.connectivity, match: o.lesionMatch };
}

/** `--tversky 0.3,0.7` -> {alpha, beta} (non-negative, not both 0; docs/calibration.md). */
export function parseTversky(v: string): { alpha: number; beta: number } {
  const parts = v.split(',').map((s) => s.trim());
  const [alpha, beta] = parts.map(Number);
  if (
    parts.length !== 2 ||
    parts.some((s) => s === '') ||
    ![alpha, beta].every((x) => Number.isFinite(x) && x >= 0) ||
    alpha + beta === 0
  )
    throw new InvalidArgumentError('expected alpha,beta: two non-negative numbers, e.g. 0.3,0.7');
  return { alpha, beta };
}

/** `--entropy-threshold 0.5`: entropy in bits, in [0, 1], a multiple of 0.01. */
export function parseEntropyThreshold(v: string): number {
  const t = Number(v);
  if (
    v.trim() === '' ||
    !Number.isFinite(t) ||
    t < 0 ||
    t > 1 ||
    Math.abs(t * 100 - Math.round(t * 100)) > 1e-9
  )
    throw new InvalidArgumentError('expected a number in [0, 1] in steps of 0.01, e.g. 0.5');
  return t;
}
