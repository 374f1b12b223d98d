/**
 * The extension's utility module: it declares the Disagreement panel's overlay source (the
 * TP/FP/FN codes, a layer derived from the reference and the prediction), which the host
 * registers when it loads the extension (see `OVERLAY_SOURCES_MODULE` in @concord/core).
 */
import { OVERLAY_SOURCES_MODULE, type OverlaySourceDefinition } from '@concord/core';
import type { OhifUtilityEntry } from '@concord/core/ohif';
import { OVERLAY_SOURCE_IDS } from './ids.ts';

export function overlaySources(): OverlaySourceDefinition[] {
  return [
    {
      id: OVERLAY_SOURCE_IDS.disagreement,
      label: 'Disagreement',
      role: 'derived',
      defaultStyle: { fill: true, outline: false, opacity: 0.7 },
    },
    {
      id: OVERLAY_SOURCE_IDS.uncertainty,
      label: 'Uncertainty',
      role: 'derived',
      defaultStyle: { fill: true, outline: false, opacity: 0.6 },
    },
  ];
}

export function getUtilityModule(): OhifUtilityEntry[] {
  return [{ name: OVERLAY_SOURCES_MODULE, exports: { sources: overlaySources() } }];
}
