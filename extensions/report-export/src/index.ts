/** The Export panel: report, SEG, SR, JSON, CSV, PDF downloads and STOW-RS (engine: @concord/reports). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };
/** Panel module entry `<id>.panelModule.export`; the panel's code is a lazy chunk. */
export const EXPORT_PANEL = 'export';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule: () => [
    {
      name: EXPORT_PANEL,
      label: 'Export',
      iconName: 'tab-export',
      component: lazy(() => import('./panels/ExportPanel.tsx')),
    },
  ],
};

export default extension;
