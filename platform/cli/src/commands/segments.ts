/**
 * The segments Concord writes into a SEG for a model's classes or a prediction's labels: names,
 * colours and codes (docs/cli.md: a names file's entry, else the manifest class, else the
 * generic codes that writeDicomSeg fills in).
 */
import type { LabelVolume, SegmentDefinition } from '@concord/core';
import type { ModelClass } from '@concord/inference';
import type { LabelDefinition } from './names.ts';

/** The non-background classes of a manifest as SEG segments; a names file overrides name and code. */
export function classSegments(
  classes: ModelClass[],
  defs?: Map<number, LabelDefinition>,
): SegmentDefinition[] {
  return classes
    .filter((c) => c.label !== 0)
    .map((c) => {
      const d = defs?.get(c.label);
      const codes = d?.code ?? c.code;
      return {
        label: c.label,
        name: d?.name ?? c.name,
        ...(c.color ? { color: c.color } : {}),
        ...(codes ? { codes } : {}),
      };
    });
}

/** The labels present in any layer of a labelmap, ascending. */
export function presentLabels(v: Pick<LabelVolume, 'data' | 'overlapLayers'>): number[] {
  const seen = new Uint8Array(65536);
  for (const layer of [v.data, ...(v.overlapLayers ?? [])]) for (const x of layer) seen[x] = 1;
  const out: number[] = [];
  for (let l = 1; l < seen.length; l++) if (seen[l]) out.push(l);
  return out;
}

/**
 * SEG segments for a prediction read from a file: its labels present, named and coded from a
 * names file, else from the labelmap's own structures (a SEG's segments), else `Label <n>`.
 */
export function labelSegments(
  v: LabelVolume,
  defs?: Map<number, LabelDefinition>,
): SegmentDefinition[] {
  const own = new Map((v.labels ?? []).map((l) => [l.label, l]));
  return presentLabels(v).map((label) => {
    const d = defs?.get(label);
    const o = own.get(label);
    const codes = d?.code ?? o?.codes;
    return {
      label,
      name: d?.name ?? o?.name ?? `Label ${label}`,
      ...(o?.color ? { color: o.color } : {}),
      ...(o?.layer ? { layer: o.layer } : {}),
      ...(codes ? { codes } : {}),
    };
  });
}
