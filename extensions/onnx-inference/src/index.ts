/** Runs ONNX segmentation models (model manifest, ORT sessions, inference worker). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };
export * from './manifest/index.ts';
export * from './engine/index.ts';
export * from './backends/ort.ts';
export * from './backends/web.ts';
export {
  createInferenceClient,
  fetchModel,
  type InferenceClient,
  type ModelSource,
} from './worker/client.ts';
export type { LoadOptions, RunOptions, WorkerInferenceResult } from './worker/protocol.ts';

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
