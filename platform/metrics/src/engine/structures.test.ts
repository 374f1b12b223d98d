/**
 * Structure sets (docs/structures.md): overlapping structures are evaluated each on its own mask
 * — the same numbers as evaluating that structure alone as an exclusive labelmap — and
 * structures are paired by code, name, then number without silent renumbering.
 */
import { describe, expect, it } from 'vitest';
import { StructureLayers, type LabelInfo, type LabelVolume } from '@concord/core';
import { computeMetrics } from './metrics.ts';
import { computeDisagreement } from './disagreement.ts';
import { pairStructures, type StructureEntry } from './pairing.ts';
import { computeMetricsParallel } from '../node/parallel.ts';

const DIMS: [number, number, number] = [20, 18, 12];
const N = DIMS[0] * DIMS[1] * DIMS[2];
const grid = {
  dims: DIMS,
  spacing: [0.8, 1, 1.5] as [number, number, number],
  origin: [0, 0, 0] as [number, number, number],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as LabelVolume['direction'],
};

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random overlapping blobs: masks[s] is a 0/1 array of structure s + 1. */
function blobs(seed: number, count: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const m = new Uint8Array(N);
    const c = DIMS.map((d) => 3 + r() * (d - 6));
    const rad = DIMS.map(() => 2 + r() * 4);
    for (let k = 0; k < DIMS[2]; k++)
      for (let j = 0; j < DIMS[1]; j++)
        for (let i = 0; i < DIMS[0]; i++) {
          const q =
            ((i - c[0]) / rad[0]) ** 2 + ((j - c[1]) / rad[1]) ** 2 + ((k - c[2]) / rad[2]) ** 2;
          if (q <= 1 && r() > 0.05) m[i + DIMS[0] * (j + DIMS[1] * k)] = 1;
        }
    return m;
  });
}

/** A structure set of masks (numbers[s] is the label of masks[s]). */
function structureSet(masks: Uint8Array[], numbers: number[], names?: string[]): LabelVolume {
  const layers = new StructureLayers(N, DIMS[0] * DIMS[1], Math.max(...numbers));
  const labels: LabelInfo[] = masks.map((m, s) => {
    const slices = new Map<number, Uint8Array>();
    for (let k = 0; k < DIMS[2]; k++) {
      const sl = m.subarray(k * DIMS[0] * DIMS[1], (k + 1) * DIMS[0] * DIMS[1]);
      if (sl.some((x) => x)) slices.set(k, sl);
    }
    const label = numbers[s];
    return { label, name: names?.[s] ?? `Label ${label}`, layer: layers.place(label, slices) };
  });
  const [data, ...overlapLayers] = layers.arrays;
  return { ...grid, data, labels, overlapLayers };
}

const alone = (m: Uint8Array): LabelVolume => ({ ...grid, data: m });

describe('overlapping structures', () => {
  const ref = blobs(1, 5);
  const pred = blobs(2, 5).map((m, s) => {
    // the prediction: the reference mask with some voxels flipped, plus the other blob
    const out = new Uint8Array(N);
    const r = rng(100 + s);
    for (let o = 0; o < N; o++) out[o] = (ref[s][o] && r() > 0.1) || (m[o] && r() > 0.7) ? 1 : 0;
    return out;
  });
  const numbers = [1, 2, 3, 4, 5];

  it('open further layers only where structures overlap', () => {
    const set = structureSet(ref, numbers);
    expect(set.overlapLayers!.length).toBeGreaterThan(0);
    // every structure is whole on its layer
    ref.forEach((m, s) => {
      const layer = [set.data, ...set.overlapLayers!][set.labels![s].layer!];
      let n = 0;
      let want = 0;
      for (let o = 0; o < N; o++) {
        if (layer[o] === s + 1) n++;
        want += m[o];
      }
      expect(n).toBe(want);
    });
  });

  it('every metric of each structure equals that structure evaluated alone', async () => {
    const r = computeMetrics(structureSet(ref, numbers), structureSet(pred, numbers), {
      disagreement: true,
    });
    const p = await computeMetricsParallel(
      structureSet(ref, numbers),
      structureSet(pred, numbers),
      {},
      { threads: 2 },
    );
    ref.forEach((m, s) => {
      const single = computeMetrics(alone(m), alone(pred[s]), { labels: [1], disagreement: true });
      const { label: _l, name: _n, ...want } = single.structures[0];
      const { label, name: _m, ...got } = r.structures[s];
      expect(label).toBe(s + 1);
      expect(got).toEqual(want);
      const { label: _pl, name: _pn, ...gotParallel } = p.structures[s];
      expect(gotParallel.dice).toBe(want.dice);
      expect(gotParallel.hd95).toBeCloseTo(want.hd95 as number, 9);
      expect(Array.from(r.disagreement![s].codes)).toEqual(
        Array.from(single.disagreement![0].codes),
      );
    });
    const d = computeDisagreement(structureSet(ref, numbers), structureSet(pred, numbers));
    expect(d.map((x) => x.label)).toEqual(numbers);
  });

  it('one input exclusive, the other overlapping: still exact per structure', () => {
    // the prediction keeps only structure 1 and 2 and they do not overlap there
    const p1 = pred[0].map((v, o) => (v && !ref[1][o] ? 1 : 0));
    const p2 = pred[1].map((v, o) => (v && !p1[o] ? 1 : 0));
    const exclusive = { ...grid, data: p1.map((v, o) => (v ? 1 : p2[o] ? 2 : 0)) };
    const r = computeMetrics(structureSet(ref, numbers), exclusive);
    expect(r.structures.map((s) => s.label)).toEqual(numbers);
    expect(r.structures[0].dice).toBe(computeMetrics(alone(ref[0]), alone(p1)).structures[0].dice);
    expect(r.structures[1].dice).toBe(computeMetrics(alone(ref[1]), alone(p2)).structures[0].dice);
    expect(r.structures[4].status).toBe('prediction-empty');
  });
});

describe('pairing', () => {
  const e = (
    number: number,
    name: string,
    extra: Partial<StructureEntry> = {},
  ): StructureEntry => ({
    number,
    name,
    named: !/^Label \d+$/.test(name),
    layer: 0,
    ...extra,
  });
  const sct = (v: string, m: string) => ({
    CodeValue: v,
    CodingSchemeDesignator: 'SCT',
    CodeMeaning: m,
  });
  const organ = (v: string, m: string) => ({
    category: sct('123037004', 'Anatomical Structure'),
    type: sct(v, m),
  });

  it('a permuted SEG compared by number would be wrong: names pair it right', () => {
    const ref = [e(1, 'Frontal lobe'), e(2, 'Temporal lobe')];
    const pred = [e(1, 'Temporal lobe'), e(2, 'Frontal lobe')];
    const { pairs, warnings } = pairStructures(ref, pred);
    expect(
      pairs.map((p) => [p.label, p.reference!.number, p.prediction!.number, p.matchedBy]),
    ).toEqual([
      [1, 1, 2, 'name'],
      [2, 2, 1, 'name'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('codes come first; names are case- and space-insensitive', () => {
    const ref = [e(1, 'Liver', { codes: organ('10200004', 'Liver') }), e(2, ' SPLEEN ')];
    const pred = [e(7, 'Leber', { codes: organ('10200004', 'Liver') }), e(3, 'spleen')];
    expect(pairStructures(ref, pred).pairs.map((p) => p.matchedBy)).toEqual(['code', 'name']);
  });

  it('numbers pair only unnamed structures or equal names; conflicts are reported, never dropped', () => {
    const ref = [e(1, 'Liver'), e(2, 'Label 2')];
    const pred = [e(1, 'Spleen'), e(2, 'Kidney')];
    const { pairs, warnings } = pairStructures(ref, pred);
    expect(
      pairs.map((p) => [p.label, p.reference?.number ?? null, p.prediction?.number ?? null]),
    ).toEqual([
      [1, 1, null],
      [2, 2, 2],
      [3, null, 1],
    ]);
    expect(warnings.join('\n')).toMatch(/share a number but not a name/);
    expect(warnings.join('\n')).toMatch(/only in the reference: 1 "Liver"/);
    expect(warnings.join('\n')).toMatch(/only in the prediction: 1 "Spleen"/);
  });

  it('ambiguous codes are not used; --match code leaves the rest unpaired', () => {
    const generic = organ('85756007', 'Tissue');
    const ref = [e(1, 'A', { codes: generic }), e(2, 'B', { codes: generic })];
    const pred = [e(1, 'B', { codes: generic }), e(2, 'A', { codes: generic })];
    expect(pairStructures(ref, pred).pairs.map((p) => p.prediction?.number)).toEqual([2, 1]);
    const strict = pairStructures(ref, pred, 'code');
    expect(strict.pairs.filter((p) => p.matchedBy !== null)).toEqual([]);
    expect(strict.pairs).toHaveLength(4);
  });

  it('the metric engine relabels a permuted prediction before counting', () => {
    const masks = blobs(3, 3).map((m, s) =>
      m.map((v, o) =>
        v &&
        !blobs(3, 3)
          .slice(0, s)
          .some((x) => x[o])
          ? 1
          : 0,
      ),
    );
    const names = ['Liver', 'Spleen', 'Kidney'];
    const ref = structureSet(masks, [1, 2, 3], names);
    const pred = structureSet(
      [masks[2], masks[0], masks[1]],
      [1, 2, 3],
      [names[2], names[0], names[1]],
    );
    const r = computeMetrics(ref, pred);
    expect(r.structures.map((s) => [s.label, s.name, s.dice])).toEqual([
      [1, 'Liver', 1],
      [2, 'Spleen', 1],
      [3, 'Kidney', 1],
    ]);
    // the confusion matrix is after pairing: diagonal only
    const off = r.confusion.counts.flatMap((row, i) =>
      row.filter((_, j) => j !== i && i > 0 && j > 0),
    );
    expect(off.every((c) => c === 0)).toBe(true);
  });
});

describe('pairs chosen by the user', () => {
  const e = (number: number, name: string): StructureEntry => ({
    number,
    name,
    named: true,
    layer: 0,
  });
  it('come first, the rest is paired as asked; a number that is not there is an error', () => {
    const ref = [e(1, 'Frontal'), e(2, 'Temporal')];
    const pred = [e(5, 'Frontal lobe'), e(6, 'Temporal')];
    const { pairs } = pairStructures(ref, pred, 'auto', [{ reference: 1, prediction: 5 }]);
    expect(pairs.map((p) => [p.label, p.prediction?.number, p.matchedBy])).toEqual([
      [1, 5, 'user'],
      [2, 6, 'name'],
    ]);
    expect(() => pairStructures(ref, pred, 'auto', [{ reference: 3, prediction: 5 }])).toThrow(
      /the reference has no free structure 3/,
    );
  });
});
