import { describe, expect, it } from 'vitest';
import { debugRequested } from './debug.ts';

const storage = (v: string | null) => ({ getItem: () => v });

describe('viewer debug flag', () => {
  it('is off by default, on with ?debug=1 or localStorage concord.debug=1', () => {
    expect(debugRequested('', storage(null))).toBe(false);
    expect(debugRequested('?StudyInstanceUIDs=1.2', storage(null))).toBe(false);
    expect(debugRequested('?debug=1', storage(null))).toBe(true);
    expect(debugRequested('?debug', storage(null))).toBe(true);
    expect(debugRequested('', storage('1'))).toBe(true);
    // the URL wins over storage
    expect(debugRequested('?debug=0', storage('1'))).toBe(false);
    expect(
      debugRequested('', {
        getItem: () => {
          throw new Error('blocked');
        },
      }),
    ).toBe(false);
  });
});
