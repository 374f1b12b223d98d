/** The Model panel: runs an ONNX segmentation model in the browser (engine: @concord/inference). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };

/** Panel module entry `<id>.panelModule.model`; the panel (and ORT) load lazily. */
export const MODEL_PANEL = 'model';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule: () => [
    {
      name: MODEL_PANEL,
      label: 'Model',
      iconName: 'tab-model',
      component: lazy(() => import('./panels/ModelPanel.tsx')),
    },
  ],
};

export default extension;
