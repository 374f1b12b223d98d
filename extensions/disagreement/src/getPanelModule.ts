/** The extension's panels; each component is a lazy chunk, loaded when the panel first renders. */
import { lazy } from 'react';
import type { OhifPanelEntry } from '@concord/core/ohif';
import { PANEL_NAMES } from './ids.ts';

export function getPanelModule(): OhifPanelEntry[] {
  return [
    {
      name: PANEL_NAMES.disagreement,
      label: 'Disagreement',
      iconName: 'tab-disagreement',
      component: lazy(() => import('./panels/DisagreementPanel.tsx')),
    },
    {
      name: PANEL_NAMES.volumeBias,
      label: 'Volumetric bias',
      iconName: 'tab-volume-bias',
      component: lazy(() => import('./panels/VolumeBiasPanel.tsx')),
    },
    {
      name: PANEL_NAMES.calibration,
      label: 'Calibration',
      iconName: 'tab-calibration',
      component: lazy(() => import('./panels/CalibrationPanel.tsx')),
    },
    {
      name: PANEL_NAMES.lossInspector,
      label: 'Losses',
      iconName: 'tab-losses',
      component: lazy(() => import('./panels/LossInspectorPanel.tsx')),
    },
  ];
}
