/** Computes per-structure segmentation metrics (DESIGN §3.2) and their report (§3.3). */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };
export * from './engine/index.ts';
export * from './report/report.ts';
export * from './report/validate.ts';

const extension: OhifExtension = {
  id: EXTENSION_ID,
};

export default extension;
