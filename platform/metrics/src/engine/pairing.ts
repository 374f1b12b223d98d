import {
  InvalidInputError,
  type CodedConcept,
  type LabelInfo,
  type LabelVolume,
  type StructureCodes,
} from '@concord/core';

/**
 * How reference and prediction structures are paired (docs/structures.md):
 * `auto` = by coded concept, then by name, then by number where neither codes nor names
 * contradict; `code`, `name`, `number` = by that key only.
 */
export type MatchMode = 'auto' | 'code' | 'name' | 'number';
export const MATCH_MODES: readonly MatchMode[] = ['auto', 'code', 'name', 'number'];

/** What decided a pair (`user`: chosen by hand); null for a structure found on one side only. */
export type MatchedBy = 'code' | 'name' | 'number' | 'user' | null;

/** A pair chosen by the user (reference and prediction structure numbers). */
export interface ManualPair {
  reference: number;
  prediction: number;
}

/** One structure of one input, as the pairing sees it. */
export interface StructureEntry {
  /** label value in its input (SEG segment number, labelmap value) */
  number: number;
  name: string;
  /** true when the name came from the input or a names file, not made up ("Label 3") */
  named: boolean;
  /** layer of the input that holds it (LabelInfo.layer) */
  layer: number;
  codes?: StructureCodes;
}

/** A reference structure and the prediction structure it is compared with. */
export interface StructurePair {
  /** label of the pair in the report: the reference's number (docs/structures.md) */
  label: number;
  name: string;
  reference: StructureEntry | null;
  prediction: StructureEntry | null;
  matchedBy: MatchedBy;
}

export interface PairingResult {
  pairs: StructurePair[];
  /** one line per thing the user should know (unpaired structures, ambiguous keys) */
  warnings: string[];
}

/** A made-up name carries no meaning: "Label 3", "Segment 3", "class 3", "". */
export function isGenericName(name: string | undefined): boolean {
  return !name || /^\s*(label|segment|structure|class|roi)\s*#?\s*\d+\s*$/i.test(name);
}

/** Name key: trimmed, case-insensitive, inner whitespace collapsed. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

const conceptKey = (c: CodedConcept | undefined): string =>
  c ? `${c.CodingSchemeDesignator.trim().toUpperCase()}:${c.CodeValue.trim()}` : '';

/**
 * Key of what a structure is: category + type (+ type modifier); with `region`, also the
 * anatomic region and its modifier. Empty when the structure has no type code.
 */
export function codeKey(codes: StructureCodes | undefined, region = false): string {
  if (!codes?.type) return '';
  const parts = [
    conceptKey(codes.category),
    conceptKey(codes.type),
    conceptKey(codes.typeModifier),
  ];
  if (region)
    parts.push(conceptKey(codes.anatomicRegion), conceptKey(codes.anatomicRegionModifier));
  return parts.join('|');
}

/**
 * The structures of a labelmap: every label it declares (LabelInfo) and every label present in
 * its data (`present`), each with its layer, name and codes. Undeclared labels take their name
 * from `names` (a names file, the model's classes), else "Label <n>".
 */
export function structureEntries(
  volume: Pick<LabelVolume, 'labels'>,
  present: Iterable<number>,
  names?: ReadonlyMap<number, string> | Readonly<Record<number, string>>,
): StructureEntry[] {
  const byNumber = new Map<number, StructureEntry>();
  const given = (l: number): string | undefined =>
    names instanceof Map ? names.get(l) : (names as Record<number, string> | undefined)?.[l];
  const declared = new Map<number, LabelInfo>();
  for (const info of volume.labels ?? []) if (info.label > 0) declared.set(info.label, info);
  const add = (l: number): void => {
    if (l <= 0 || byNumber.has(l)) return;
    const info = declared.get(l);
    const own = info && !isGenericName(info.name) ? info.name : undefined;
    const name = own ?? given(l) ?? info?.name ?? `Label ${l}`;
    byNumber.set(l, {
      number: l,
      name,
      named: !isGenericName(name),
      layer: info?.layer ?? 0,
      codes: info?.codes,
    });
  };
  for (const l of declared.keys()) add(l);
  for (const l of present) add(l);
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

/** Pairs entries whose key (non-empty) is unique on both sides; removes them from the pools. */
function pairByKey(
  refPool: StructureEntry[],
  predPool: StructureEntry[],
  key: (e: StructureEntry) => string,
  by: Exclude<MatchedBy, null>,
  out: [StructureEntry, StructureEntry, MatchedBy][],
  ambiguous: Set<string>,
): void {
  const index = (pool: StructureEntry[]): Map<string, StructureEntry[]> => {
    const m = new Map<string, StructureEntry[]>();
    for (const e of pool) {
      const k = key(e);
      if (!k) continue;
      m.set(k, [...(m.get(k) ?? []), e]);
    }
    return m;
  };
  const refs = index(refPool);
  const preds = index(predPool);
  for (const [k, r] of refs) {
    const p = preds.get(k);
    if (!p) continue;
    if (r.length !== 1 || p.length !== 1) {
      ambiguous.add(`${by} ${k.split('|').filter(Boolean).join(' ') || k}`);
      continue;
    }
    out.push([r[0], p[0], by]);
    refPool.splice(refPool.indexOf(r[0]), 1);
    predPool.splice(predPool.indexOf(p[0]), 1);
  }
}

/** Whether codes or names say two structures are different things (then number must not pair them). */
function contradict(r: StructureEntry, p: StructureEntry): boolean {
  const rc = codeKey(r.codes);
  const pc = codeKey(p.codes);
  if (rc && pc && rc !== pc) return true;
  return r.named && p.named && nameKey(r.name) !== nameKey(p.name);
}

/**
 * Pairs reference and prediction structures (docs/structures.md). Every structure ends up in
 * exactly one pair; one that finds no partner is a pair with one side null, never dropped.
 */
export function pairStructures(
  reference: readonly StructureEntry[],
  prediction: readonly StructureEntry[],
  mode: MatchMode = 'auto',
  manual: readonly ManualPair[] = [],
): PairingResult {
  if (!MATCH_MODES.includes(mode)) {
    throw new InvalidInputError(`match must be one of ${MATCH_MODES.join(', ')} (got ${mode})`);
  }
  const refPool = [...reference];
  const predPool = [...prediction];
  const matched: [StructureEntry, StructureEntry, MatchedBy][] = [];
  // the user's own pairs come first; a number that is not there is an error, not a guess
  for (const m of manual) {
    const r = refPool.find((e) => e.number === m.reference);
    const p = predPool.find((e) => e.number === m.prediction);
    if (!r || !p) {
      throw new InvalidInputError(
        `cannot pair reference ${m.reference} with prediction ${m.prediction}: ${!r ? `the reference has no free structure ${m.reference}` : `the prediction has no free structure ${m.prediction}`}`,
      );
    }
    matched.push([r, p, 'user']);
    refPool.splice(refPool.indexOf(r), 1);
    predPool.splice(predPool.indexOf(p), 1);
  }
  const ambiguous = new Set<string>();
  const warnings: string[] = [];
  if (mode === 'auto' || mode === 'code') {
    // with the anatomic region first (left and right kidney share their type code), then without
    pairByKey(refPool, predPool, (e) => codeKey(e.codes, true), 'code', matched, ambiguous);
    pairByKey(refPool, predPool, (e) => codeKey(e.codes), 'code', matched, ambiguous);
  }
  if (mode === 'auto' || mode === 'name') {
    pairByKey(
      refPool,
      predPool,
      (e) => (e.named ? nameKey(e.name) : ''),
      'name',
      matched,
      ambiguous,
    );
  }
  if (mode === 'auto' || mode === 'number') {
    for (const r of [...refPool]) {
      const p = predPool.find((x) => x.number === r.number);
      if (!p) continue;
      if (mode === 'auto' && contradict(r, p)) {
        warnings.push(
          `reference ${r.number} "${r.name}" and prediction ${p.number} "${p.name}" share a number but not a name or code: not paired (use --match number to pair them anyway)`,
        );
        continue;
      }
      matched.push([r, p, 'number']);
      refPool.splice(refPool.indexOf(r), 1);
      predPool.splice(predPool.indexOf(p), 1);
    }
  }
  for (const a of ambiguous) {
    if (mode !== 'auto' || refPool.length || predPool.length)
      warnings.push(`more than one structure has the ${a}: not used for pairing`);
  }

  // labels: a pair takes the reference's number; a prediction-only structure keeps its own
  // number unless a reference structure has it, then the next number above every reference one
  const pairs: StructurePair[] = matched.map(([r, p, by]) => ({
    label: r.number,
    name: r.named || !p.named ? r.name : p.name,
    reference: r,
    prediction: p,
    matchedBy: by,
  }));
  for (const r of refPool) {
    pairs.push({ label: r.number, name: r.name, reference: r, prediction: null, matchedBy: null });
  }
  const taken = new Set(pairs.map((p) => p.label));
  let next = Math.max(0, ...reference.map((r) => r.number), ...prediction.map((p) => p.number)) + 1;
  for (const p of predPool) {
    let label = p.number;
    if (taken.has(label)) label = next++;
    taken.add(label);
    pairs.push({ label, name: p.name, reference: null, prediction: p, matchedBy: null });
  }
  pairs.sort((a, b) => a.label - b.label);
  // a structure on one side only is a pairing question when both inputs name their
  // structures; between unnamed labelmaps it is just an empty mask, which its status says
  const named = (list: readonly StructureEntry[]) => list.some((e) => e.named);
  if (named(reference) && named(prediction)) {
    const refOnly = pairs.filter((p) => !p.prediction && p.reference);
    const predOnly = pairs.filter((p) => !p.reference && p.prediction);
    if (refOnly.length)
      warnings.push(
        `only in the reference: ${refOnly.map((p) => `${p.reference!.number} "${p.name}"`).join(', ')}`,
      );
    if (predOnly.length)
      warnings.push(
        `only in the prediction: ${predOnly.map((p) => `${p.prediction!.number} "${p.name}"`).join(', ')}`,
      );
  }
  return { pairs, warnings };
}

/** True when every pair has the same number on both sides as its label (no relabelling needed). */
export function isIdentityPairing(pairs: readonly StructurePair[]): boolean {
  return pairs.every(
    (p) =>
      (!p.reference || p.reference.number === p.label) &&
      (!p.prediction || p.prediction.number === p.label),
  );
}
