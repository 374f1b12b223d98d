import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics.ts';
import { METRICS, isNumericMetric, metricSpec, nsdColumnSpec } from './registry.ts';
import { box, grid, volume } from './testing/volumes.ts';

describe('METRICS registry', () => {
  const keys = METRICS.map((m) => m.key);

  it('names every field of an engine result row exactly once', () => {
    expect(new Set(keys).size).toBe(keys.length);
    const g = grid([8, 8, 4]);
    const ref = volume(g, box([1, 1, 1], [4, 4, 2]));
    const pred = volume(g, box([2, 1, 1], [5, 4, 2]));
    const probabilities = { 1: new Float32Array(ref.data.length).fill(0.5) };
    for (const options of [{}, { probabilities }]) {
      const [row] = computeMetrics(ref, pred, options).structures;
      const fields = Object.keys(row).filter((k) => row[k as keyof typeof row] !== undefined);
      // no field outside the registry
      expect(fields.filter((k) => !keys.includes(k as never))).toEqual([]);
      const always = METRICS.filter((m) => m.presence !== 'soft').map((m) => m.key);
      expect(fields.filter((k) => always.includes(k as never))).toEqual(always);
    }
    const [soft] = computeMetrics(ref, pred, { probabilities }).structures;
    expect(soft.softDice).not.toBeUndefined();
    expect(soft.volumeSoftMl).not.toBeUndefined();
  });

  it('gives every metric a heading, a definition and digits that fit its value', () => {
    for (const m of METRICS) {
      expect(m.label.length, m.key).toBeGreaterThan(0);
      expect(m.definition.length, m.key).toBeGreaterThan(5);
      expect(m.digits === null, m.key).toBe(!isNumericMetric(m) && m.type !== 'perTolerance');
      if (m.unit === 'voxels') expect(m.digits, m.key).toBe(0);
    }
    expect(metricSpec('hd95')).toMatchObject({ unit: 'mm', digits: 2, label: 'HD95' });
    expect(nsdColumnSpec(0.5)).toEqual({
      key: 'nsd@0.5',
      label: 'NSD@0.5',
      definition:
        'Normalised surface Dice at τ = 0.5 mm: fraction of both surfaces within 0.5 mm of the other',
    });
  });
});
