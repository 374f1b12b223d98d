/**
 * Names files (docs/cli.md): structure names, and optionally codes, per label, for
 * `concord metrics`, `infer` and `evaluate`.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError, type StructureCodes } from '@concord/core';

/** A structure of a names file: its name and, optionally, its codes (docs/cli.md). */
export interface LabelDefinition {
  name: string;
  code?: StructureCodes;
}

const CODE_KEYS = [
  'category',
  'type',
  'typeModifier',
  'anatomicRegion',
  'anatomicRegionModifier',
] as const;

/** `{"category": {CodeValue, CodingSchemeDesignator, CodeMeaning}, "type": {...}, ...}` or null. */
function parseCode(v: unknown): StructureCodes | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: StructureCodes = {};
  for (const [k, c] of Object.entries(v)) {
    if (!(CODE_KEYS as readonly string[]).includes(k)) return null;
    const cc = c as Record<string, unknown>;
    const fields = ['CodeValue', 'CodingSchemeDesignator', 'CodeMeaning'] as const;
    if (!cc || typeof cc !== 'object' || fields.some((f) => typeof cc[f] !== 'string' || !cc[f]))
      return null;
    out[k as (typeof CODE_KEYS)[number]] = {
      CodeValue: String(cc.CodeValue),
      CodingSchemeDesignator: String(cc.CodingSchemeDesignator),
      CodeMeaning: String(cc.CodeMeaning),
    };
  }
  return out.category && out.type ? out : null;
}

/**
 * Reads a names file: `{"1": "Liver", ...}`, `[{"label": 1, "name": "Liver"}, ...]` or
 * `{"structures": [...]}` (samples/structures.json); list entries may carry codes,
 * `{"label": 1, "name": "Liver", "code": {"category": {...}, "type": {...}}}` (docs/cli.md).
 */
export function readLabelDefinitions(file: string): Map<number, LabelDefinition> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError(`cannot read label names ${file}: ${(e as Error).message}`);
  }
  const list =
    json && typeof json === 'object' && !Array.isArray(json) && 'structures' in json
      ? (json as { structures: unknown }).structures
      : json;
  const entries: [unknown, unknown, unknown][] = Array.isArray(list)
    ? list.map((x) => {
        const e = (x ?? {}) as { label?: unknown; name?: unknown; code?: unknown };
        return [e.label, e.name, e.code];
      })
    : Object.entries((list ?? {}) as object).map(([k, v]) => [k, v, undefined]);
  const defs = new Map<number, LabelDefinition>();
  for (const [k, v, c] of entries) {
    const label = Number(k);
    if (!Number.isInteger(label) || label < 1 || label > 65535 || typeof v !== 'string') {
      throw new InvalidInputError(
        `label names ${file}: expected {"<label>": "<name>"} or [{"label": n, "name": "...", "code"?: {...}}]`,
      );
    }
    let code: StructureCodes | undefined;
    if (c !== undefined) {
      const parsed = parseCode(c);
      if (!parsed) {
        throw new InvalidInputError(
          `label names ${file}: the code of label ${label} needs "category" and "type" (and optionally typeModifier, anatomicRegion, anatomicRegionModifier), each {"CodeValue", "CodingSchemeDesignator", "CodeMeaning"}`,
        );
      }
      code = parsed;
    }
    defs.set(label, code ? { name: v, code } : { name: v });
  }
  if (defs.size === 0) throw new InvalidInputError(`label names ${file} list no labels`);
  return defs;
}

/** The names of a names file (see readLabelDefinitions). */
export function readLabelNames(file: string): Map<number, string> {
  return new Map([...readLabelDefinitions(file)].map(([l, d]) => [l, d.name]));
}
