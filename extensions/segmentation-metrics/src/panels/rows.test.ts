import { describe, expect, it } from 'vitest';
import { computeMetrics } from '@concord/metrics';
import type { LabelVolume } from '@concord/core';
import { metricColumns } from './columns.ts';
import { selectRows } from './rows.ts';

/**
 * 60 structures, each a 2x2xN bar on its own slab of a small volume; the prediction loses
 * (label % 7) voxels of each, so Dice falls with label % 7 and ties are broken by number.
 */
function manyStructures(n = 60): { reference: LabelVolume; prediction: LabelVolume } {
  const dims: [number, number, number] = [4, 4, n * 3];
  const grid = {
    dims,
    spacing: [1, 1, 1] as [number, number, number],
    origin: [0, 0, 0] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as LabelVolume['direction'],
  };
  const ref = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const pred = new Uint8Array(ref.length);
  const labels = [];
  for (let l = 1; l <= n; l++) {
    let dropped = 0;
    for (let k = (l - 1) * 3; k < l * 3; k++)
      for (let j = 0; j < 2; j++)
        for (let i = 0; i < 2; i++) {
          const v = i + 4 * j + 16 * k;
          ref[v] = l;
          if (dropped < l % 7) dropped++;
          else pred[v] = l;
        }
    labels.push({ label: l, name: `${l % 2 ? 'Left' : 'Right'} region ${l}` });
  }
  return {
    reference: { ...grid, data: ref, labels },
    prediction: { ...grid, data: pred, labels },
  };
}

describe('Metrics table rows with many structures', () => {
  const { reference, prediction } = manyStructures();
  const { structures } = computeMetrics(reference, prediction);
  const columns = metricColumns([1, 2], false);
  const all = { query: '', sort: { key: 'label', desc: false }, worst: null };

  it('filters by name or number', () => {
    const left = selectRows(structures, columns, { ...all, query: 'left' });
    expect(left.map((s) => s.label)).toEqual(
      structures.filter((s) => s.label % 2).map((s) => s.label),
    );
    expect(selectRows(structures, columns, { ...all, query: '42' }).map((s) => s.label)).toEqual([
      42,
    ]);
  });

  it('shows only the worst N by Dice, which equals 2·TP/(2·TP+FP+FN) from the voxels lost', () => {
    // 12 voxels per structure; Dice = 2(12-d)/(24-d) with d = label % 7 dropped voxels
    const expected = structures
      .map((s) => ({ label: s.label, dice: (2 * (12 - (s.label % 7))) / (24 - (s.label % 7)) }))
      .sort((a, b) => a.dice - b.dice || a.label - b.label)
      .slice(0, 10);
    const worst = selectRows(structures, columns, {
      ...all,
      sort: { key: 'dice', desc: false },
      worst: 10,
    });
    expect(worst.map((s) => s.label)).toEqual(expected.map((e) => e.label));
    worst.forEach((s, i) => expect(s.dice).toBeCloseTo(expected[i].dice, 12));
  });

  it('sorts by the clicked column, both ways, after filtering', () => {
    const byDiceDesc = selectRows(structures, columns, {
      query: 'right',
      sort: { key: 'dice', desc: true },
      worst: null,
    });
    expect(byDiceDesc.every((s) => s.label % 2 === 0)).toBe(true);
    for (let i = 1; i < byDiceDesc.length; i++)
      expect(byDiceDesc[i - 1].dice!).toBeGreaterThanOrEqual(byDiceDesc[i].dice!);
    const byName = selectRows(structures, columns, { ...all, sort: { key: 'name', desc: false } });
    expect(byName.map((s) => s.name)).toEqual(
      [...byName.map((s) => s.name)].sort((a, b) => a.localeCompare(b)),
    );
  });
});
