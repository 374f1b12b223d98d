/** Computes per-structure segmentation metrics (DESIGN §3.2) and their report (§3.3). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };
export * from './engine/index.ts';
export * from './report/report.ts';
export * from './report/validate.ts';
export { publishReport, publishedReport } from './panels/sharedReport.ts';

/** Panel module entry `<id>.panelModule.metrics`; the panel's code is a lazy chunk. */
export const METRICS_PANEL = 'metrics';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule: () => [
    {
      name: METRICS_PANEL,
      label: 'Metrics',
      iconName: 'tab-metrics',
      component: lazy(() => import('./panels/MetricsPanel.tsx')),
    },
  ],
};

export default extension;
