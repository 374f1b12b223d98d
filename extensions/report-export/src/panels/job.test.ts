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
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
