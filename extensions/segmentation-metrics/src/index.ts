/** The Metrics panel: per-structure metrics of the evaluation (engine: @concord/metrics). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };

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
