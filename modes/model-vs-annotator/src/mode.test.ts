import { describe, expect, it } from 'vitest';
import mode, { isValidMode, MODE_ID } from './index.ts';

describe('model-vs-annotator mode', () => {
  it('follows the OHIF mode contract (id + modeFactory)', () => {
    expect(mode.id).toBe(MODE_ID);
    const m = mode.modeFactory();
    expect(m.routeName).toBe('model-vs-annotator');
    expect(Object.keys(m.extensions)).toContain('@concord/extension-onnx-inference');
  });
  it('is valid only for studies with an image series', () => {
    expect(isValidMode({ modalities: 'MR\\SEG' }).valid).toBe(true);
    expect(isValidMode({ modalities: 'SEG\\SR' })).toEqual({
      valid: false,
      description: expect.stringMatching(/needs at least one image series/),
    });
  });
});
