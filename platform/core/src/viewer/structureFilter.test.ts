import { describe, expect, it } from 'vitest';
import { filterStructures, matchesStructureQuery } from './structureFilter.ts';

/** 116 structures named like the AAL atlas', sizes from a fixed rule. */
const names = ['Precentral', 'Frontal_Sup', 'Hippocampus', 'Cerebelum_Crus1', 'Vermis_1_2'];
const structures = Array.from({ length: 116 }, (_, i) => ({
  label: i + 1,
  name: `${names[i % names.length]}_${i % 2 ? 'R' : 'L'}${i >= names.length ? `_${i}` : ''}`,
}));
const counts = Object.fromEntries(structures.map((s) => [s.label, (s.label * 37) % 101]));

describe('structure filter and order (lists of 100+ structures)', () => {
  it('matches part of a name in any case, or the number exactly', () => {
    expect(matchesStructureQuery({ label: 12, name: 'Hippocampus_L' }, 'hippo')).toBe(true);
    expect(matchesStructureQuery({ label: 12, name: 'Hippocampus_L' }, ' 12 ')).toBe(true);
    expect(matchesStructureQuery({ label: 112, name: 'Vermis' }, '12')).toBe(false);
    expect(matchesStructureQuery({ label: 1, name: 'x' }, '')).toBe(true);
  });

  it('filters 116 structures and orders them by number, name or size', () => {
    const hippo = filterStructures(structures, 'HIPPO');
    expect(hippo.length).toBe(structures.filter((s) => /hippo/i.test(s.name)).length);
    expect(hippo.every((s) => s.name.startsWith('Hippocampus'))).toBe(true);
    expect(hippo.map((s) => s.label)).toEqual([...hippo.map((s) => s.label)].sort((a, b) => a - b));

    const byName = filterStructures(structures, '', 'name').map((s) => s.name);
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));
    expect(byName).toHaveLength(116);

    const bySize = filterStructures(structures, '', 'size', counts);
    for (let i = 1; i < bySize.length; i++) {
      const [a, b] = [counts[bySize[i - 1].label], counts[bySize[i].label]];
      expect(a > b || (a === b && bySize[i - 1].label < bySize[i].label)).toBe(true);
    }
    // the input is left as it was
    expect(structures.map((s) => s.label)).toEqual(structures.map((_, i) => i + 1));
  });
});
