import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '@concord/core';
import { readLabelDefinitions, readLabelNames } from './names.ts';
import { classSegments, labelSegments } from './segments.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'concord-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, json: unknown) => {
  const f = path.join(tmp, name);
  writeFileSync(f, typeof json === 'string' ? json : JSON.stringify(json));
  return f;
};
const sct = (CodeValue: string, CodeMeaning: string) => ({
  CodeValue,
  CodingSchemeDesignator: 'SCT',
  CodeMeaning,
});
const liver = { category: sct('91723000', 'Anatomical structure'), type: sct('10200004', 'Liver') };

describe('names files', () => {
  it('reads the three name-only formats as before', () => {
    const want = new Map([
      [1, 'Liver'],
      [2, 'Spleen'],
    ]);
    expect(readLabelNames(file('a.json', { '1': 'Liver', '2': 'Spleen' }))).toEqual(want);
    const list = [
      { label: 1, name: 'Liver' },
      { label: 2, name: 'Spleen' },
    ];
    expect(readLabelNames(file('b.json', list))).toEqual(want);
    expect(readLabelNames(file('c.json', { structures: list }))).toEqual(want);
  });

  it('reads codes of list entries; samples/structures.json has them', () => {
    const defs = readLabelDefinitions(
      file('d.json', [
        { label: 1, name: 'Liver', code: liver },
        { label: 2, name: 'Spleen' },
      ]),
    );
    expect(defs.get(1)).toEqual({ name: 'Liver', code: liver });
    expect(defs.get(2)).toEqual({ name: 'Spleen' });
    const sample = readLabelDefinitions(path.resolve('samples/structures.json'));
    expect(sample.get(1)?.code?.type?.CodeValue).toBe('83251001');
    expect(sample.get(5)?.code).toBeUndefined();
  });

  it('refuses a code without category and type, or with a malformed concept, in one line', () => {
    for (const code of [
      { type: liver.type },
      { ...liver, type: { CodeValue: '10200004' } },
      { ...liver, laterality: liver.type },
    ]) {
      const f = file('bad.json', [{ label: 3, name: 'X', code }]);
      expect(() => readLabelDefinitions(f)).toThrow(InvalidInputError);
      expect(() => readLabelDefinitions(f)).toThrow(
        /the code of label 3 needs "category" and "type"/,
      );
    }
  });
});

describe('SEG segments of the CLI', () => {
  it('model classes: the names file overrides name and code, else the manifest, no background', () => {
    const segs = classSegments(
      [
        { label: 0, name: 'background' },
        { label: 1, name: 'liver', color: [1, 2, 3], code: liver },
        { label: 2, name: 'spleen' },
      ],
      new Map([[2, { name: 'Spleen', code: { ...liver, type: sct('78961009', 'Spleen') } }]]),
    );
    expect(segs).toEqual([
      { label: 1, name: 'liver', color: [1, 2, 3], codes: liver },
      { label: 2, name: 'Spleen', codes: { ...liver, type: sct('78961009', 'Spleen') } },
    ]);
  });

  it('a prediction file: its labels present, named from the file, its own structures or Label n', () => {
    const v = {
      dims: [4, 1, 1] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
      origin: [0, 0, 0] as [number, number, number],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ],
      data: Uint8Array.from([0, 1, 4, 9]),
      labels: [{ label: 4, name: 'Own four', codes: liver }],
    };
    expect(labelSegments(v, new Map([[1, { name: 'One' }]]))).toEqual([
      { label: 1, name: 'One' },
      { label: 4, name: 'Own four', codes: liver },
      { label: 9, name: 'Label 9' },
    ]);
  });
});
