/** The extension's panels; each component is a lazy chunk, loaded when the panel first renders. */
import { lazy } from 'react';
import type { OhifPanelEntry } from '@concord/core/ohif';
import { PANEL_NAMES } from './ids.ts';

export function getPanelModule(): OhifPanelEntry[] {
  return [
    {
      name: PANEL_NAMES.export,
      label: 'Export',
      iconName: 'tab-export',
      component: lazy(() => import('./panels/ExportPanel.tsx')),
    },
  ];
}
