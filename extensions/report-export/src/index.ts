/** The Export panel: report, SEG, SR, JSON, CSV, PDF downloads and STOW-RS (engine: @concord/reports). */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';
import { getPanelModule } from './getPanelModule.ts';

export * from './ids.ts';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule,
};

export default extension;
