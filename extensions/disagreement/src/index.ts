/** Shows where the model and the annotator disagree, and the model's volumetric bias. */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };
export * from './engine/index.ts';

const extension: OhifExtension = {
  id: EXTENSION_ID,
};

export default extension;
