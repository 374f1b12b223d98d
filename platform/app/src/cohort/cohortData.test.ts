import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TABLE_STATE,
  diceColour,
  findDropped,
  parseCohort,
  resolveCohortPath,
  sameOriginUrl,
  visibleRows,
  type CohortRow,
} from './cohortData.ts';

const row = (caseId: string, dice: number | null, site: string): CohortRow => ({
  key: caseId,
  caseId,
  model: 'a',
  label: 1,
  structure: 'Lesion',
  status: dice === null ? 'prediction-empty' : 'ok',
  dice,
  hd95: null,
  assd: null,
  volumeRefMl: null,
  volumePredMl: null,
  volumeDiffMl: null,
  metadata: { site },
});

describe('cohort view data', () => {
  const rows = [
    row('case10', 0.5, 'A'),
    row('case2', null, 'B'),
    row('case3', 0.9, 'B'),
    row('case1', 0.5, 'A'),
  ];

  it('sorts numbers with nulls last both ways, ties in file order, ids naturally', () => {
    const by = (descending: boolean) =>
      visibleRows(rows, { ...DEFAULT_TABLE_STATE, sort: 'dice', descending }).map((r) => r.caseId);
    expect(by(false)).toEqual(['case10', 'case1', 'case3', 'case2']);
    expect(by(true)).toEqual(['case3', 'case10', 'case1', 'case2']);
    expect(visibleRows(rows, DEFAULT_TABLE_STATE).map((r) => r.caseId)).toEqual([
      'case1',
      'case2',
      'case3',
      'case10',
    ]);
  });
  it('filters on metadata columns; an empty filter keeps all', () => {
    const f = (site: string) =>
      visibleRows(rows, { ...DEFAULT_TABLE_STATE, filters: { site } }).map((r) => r.caseId);
    expect(f('B')).toEqual(['case2', 'case3']);
    expect(f('')).toHaveLength(4);
  });
  it('colours Dice on viridis: purple at 0, yellow at 1, clamped', () => {
    expect(diceColour(0).background).toBe('rgb(68, 1, 84)');
    expect(diceColour(1).background).toBe('rgb(253, 231, 37)');
    expect(diceColour(1.5)).toEqual(diceColour(1));
    expect(diceColour(0).color).toBe('#fff');
    expect(diceColour(1).color).toBe('#000');
  });
  it('resolves report paths inside the cohort folder only, same origin only', () => {
    const base = 'http://h/data/out/cohort.json';
    expect(resolveCohortPath(base, 'cases/c1/report-a.json')).toBe(
      'http://h/data/out/cases/c1/report-a.json',
    );
    expect(resolveCohortPath(base, '../secret.json')).toBeNull();
    expect(resolveCohortPath(base, '/etc/passwd')).toBeNull();
    expect(resolveCohortPath(base, 'https://evil.example/x.json')).toBeNull();
    expect(sameOriginUrl('/data/out/cohort.json', 'http://h')).toBe(
      'http://h/data/out/cohort.json',
    );
    expect(() => sameOriginUrl('https://evil.example/c.json', 'http://h')).toThrow(/same origin/);
  });
  it('matches dropped files by their path under the chosen folder', () => {
    const file = (p: string) =>
      Object.assign(new File(['{}'], p.split('/').pop()!), { webkitRelativePath: p });
    const files = [
      file('out/cohort.json'),
      file('out/cases/c1/report-a.json'),
      file('other/cases/c1/report-a.json'),
    ];
    expect(findDropped(files, 'out/cohort.json', 'cases/c1/report-a.json')).toBe(files[1]);
    expect(findDropped(files, 'out/cohort.json', 'cases/c2/report-a.json')).toBeNull();
  });
  it('refuses a file that is not a cohort with one line', () => {
    expect(() => parseCohort('{"schema":"concord.report/v1"}')).toThrow(
      /not a concord.cohort\/v1 file/,
    );
    expect(() => parseCohort('nope')).toThrow('This file is not JSON');
  });
});
