/** The Model panel: runs an ONNX segmentation model in the browser (engine: @concord/inference). */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';
import { getPanelModule } from './getPanelModule.ts';

export * from './ids.ts';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule,
};

export default extension;
