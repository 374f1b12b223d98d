import { describe, expect, it } from 'vitest';
import { formatBytes, segmentsOf } from './job.ts';

describe('Export panel job', () => {
  it('SEG segments: prediction classes first, reference-only structures added, no background', () => {
    const segs = segmentsOf(
      [
        { label: 2, name: 'Model two', color: [1, 2, 3] },
        { label: 0, name: 'background' },
      ],
      [
        { label: 3, name: 'Ref three', color: [9, 9, 9] },
        { label: 2, name: 'Ref two' },
      ],
    );
    expect(segs).toEqual([
      { label: 2, name: 'Model two', color: [1, 2, 3] },
      { label: 3, name: 'Ref three', color: [9, 9, 9] },
    ]);
  });
  it("SEG segments carry the structures' codes (prediction first, else the reference's)", () => {
    const frontal = {
      category: {
        CodeValue: '91723000',
        CodingSchemeDesignator: 'SCT',
        CodeMeaning: 'Anatomical structure',
      },
      type: { CodeValue: '83251001', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Frontal lobe' },
    };
    const cerebellum = {
      ...frontal,
      type: { ...frontal.type, CodeValue: '113305005', CodeMeaning: 'Cerebellum' },
    };
    const segs = segmentsOf(
      [
        { label: 1, name: 'Frontal lobe', codes: frontal },
        { label: 2, name: 'Other' },
      ],
      [{ label: 7, name: 'Cerebellum', codes: cerebellum }],
    );
    expect(segs.map((s) => [s.label, s.codes?.type?.CodeValue])).toEqual([
      [1, '83251001'],
      [2, undefined],
      [7, '113305005'],
    ]);
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
