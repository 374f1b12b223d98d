import { describe, expect, it } from 'vitest';
import mode, { isValidMode, MODE_ID } from './index.ts';

describe('model-vs-annotator mode', () => {
  it('follows the OHIF mode contract (id + modeFactory)', () => {
    expect(mode.id).toBe(MODE_ID);
    const m = mode.modeFactory();
    expect(m.routeName).toBe('model-vs-annotator');
    expect(Object.keys(m.extensions)).toContain('@concord/extension-onnx-inference');
  });
  it('declares its panels, toolbar and hotkeys', () => {
    const m = mode.modeFactory();
    expect(m.rightPanels).toEqual([
      '@concord/extension-onnx-inference.panelModule.model',
      '@concord/extension-segmentation-metrics.panelModule.metrics',
      '@concord/extension-disagreement.panelModule.disagreement',
      '@concord/extension-disagreement.panelModule.volumeBias',
      '@concord/extension-disagreement.panelModule.calibration',
      '@concord/extension-disagreement.panelModule.lossInspector',
      '@concord/extension-report-export.panelModule.export',
    ]);
    expect(m.hotkeys.find((h) => h.keys.includes(']'))?.commandName).toBe('nextWorstSlice');
    expect(m.toolbar.tools.map((t) => t.id)).toEqual(['WindowLevel', 'Pan', 'Zoom', 'Crosshairs']);
    const keys = m.hotkeys.flatMap((h) => h.keys);
    expect(new Set(keys).size).toBe(keys.length); // no key bound twice
    expect(m.hotkeys.find((h) => h.keys.includes('3'))?.commandOptions).toEqual({ layout: 'mpr' });
  });
  it('is valid only for studies with an image series', () => {
    expect(isValidMode({ modalities: 'MR\\SEG' }).valid).toBe(true);
    expect(isValidMode({ modalities: 'SEG\\SR' })).toEqual({
      valid: false,
      description: expect.stringMatching(/needs at least one image series/),
    });
  });
});
