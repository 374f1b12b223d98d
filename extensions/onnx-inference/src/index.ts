/** Runs ONNX segmentation models (model manifest, ORT sessions, inference worker). */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };

const extension: OhifExtension = {
  id: EXTENSION_ID,
};

export default extension;
