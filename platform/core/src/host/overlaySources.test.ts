import { describe, expect, it } from 'vitest';
import {
  createOverlaySourceRegistry,
  declaredOverlaySources,
  displayedStyle,
  OVERLAY_SOURCES_MODULE,
  type OverlaySourceDefinition,
} from './index.ts';

const layer: OverlaySourceDefinition = {
  id: 'disagreement',
  label: 'Disagreement',
  role: 'derived',
  defaultStyle: { fill: true, outline: false, opacity: 0.7 },
};

describe('overlay source registry', () => {
  it('starts with the host’s own sources: reference outlined, prediction filled', () => {
    const r = createOverlaySourceRegistry();
    expect(r.list().map((d) => [d.id, d.role])).toEqual([
      ['reference', 'structures'],
      ['prediction', 'structures'],
    ]);
    expect(r.require('reference')).toMatchObject({
      defaultStyle: { fill: false, outline: true, opacity: 0.5 },
      outlineWidth: 2,
    });
    expect(r.require('prediction').defaultStyle).toEqual({
      fill: true,
      outline: false,
      opacity: 0.45,
    });
  });
  it('adds an extension’s source after them and removes it again', () => {
    const r = createOverlaySourceRegistry();
    let changes = 0;
    r.subscribe(() => changes++);
    const unregister = r.register(layer);
    expect(r.list().map((d) => d.id)).toEqual(['reference', 'prediction', 'disagreement']);
    expect(r.get('disagreement')?.defaultStyle).toEqual(layer.defaultStyle);
    expect(r.get('disagreement')?.defaultStyle).not.toBe(layer.defaultStyle); // a copy
    unregister();
    expect(r.get('disagreement')).toBeUndefined();
    expect(() => r.require('disagreement')).toThrow(
      /Unknown overlay source "disagreement" \(registered: reference, prediction\)/,
    );
    expect(changes).toBe(2);
  });
  it('an older registration’s removal leaves a newer definition of the same id', () => {
    const r = createOverlaySourceRegistry();
    const first = r.register(layer);
    r.register({ ...layer, label: 'TP/FP/FN' });
    first();
    expect(r.get('disagreement')?.label).toBe('TP/FP/FN');
  });
  it('rejects a definition without an id or with an opacity outside 0..1', () => {
    const r = createOverlaySourceRegistry();
    expect(() => r.register({ ...layer, id: '' })).toThrow(/needs an id/);
    expect(() =>
      r.register({ ...layer, defaultStyle: { ...layer.defaultStyle, opacity: 2 } }),
    ).toThrow(/opacity 2 is not within 0..1/);
  });
  it('reads the sources extensions declare in their utility modules', () => {
    const modules = [
      { extensionId: 'a', module: [{ name: 'other', exports: { sources: [layer] } }] },
      {
        extensionId: 'b',
        module: [{ name: OVERLAY_SOURCES_MODULE, exports: { sources: [layer] } }],
      },
    ];
    expect(declaredOverlaySources(modules)).toEqual([layer]);
    expect(declaredOverlaySources(undefined)).toEqual([]);
  });
  it('draws structure fills as outlines while a derived layer is shown, and only then', () => {
    const filled = { fill: true, outline: false, opacity: 0.45 };
    expect(displayedStyle(filled, 'structures', true)).toEqual({
      fill: false,
      outline: true,
      opacity: 0.45,
    });
    expect(displayedStyle(filled, 'structures', false)).toEqual(filled);
    // the derived layer itself keeps its fill
    expect(displayedStyle(filled, 'derived', true)).toEqual(filled);
    const outlined = { fill: false, outline: true, opacity: 0.5 };
    expect(displayedStyle(outlined, 'structures', true)).toEqual(outlined);
  });
});
