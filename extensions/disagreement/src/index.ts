/** Disagreement and Volumetric-bias panels, worst-slice commands and the TP/FP/FN overlay source (engine: @concord/metrics). */
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';
import { getPanelModule } from './getPanelModule.ts';
import { getCommandsModule } from './getCommandsModule.ts';
import { getUtilityModule } from './getUtilityModule.ts';

export * from './ids.ts';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule,
  getCommandsModule,
  getUtilityModule,
};

export default extension;
