/** Disagreement and Volumetric-bias panels, worst-slice commands (engine: @concord/metrics). */
import { lazy } from 'react';
import type { OhifExtension } from '@concord/core/ohif';
import { EXTENSION_ID } from './id.ts';
import { getCommandsModule } from './panels/commands.ts';

export { EXTENSION_ID };
export {
  COMMANDS_CONTEXT,
  NEXT_WORST_SLICE,
  PREVIOUS_WORST_SLICE,
  getCommandsModule,
} from './panels/commands.ts';
export { stepToWorstSlice } from './panels/session.ts';

/** Panel module entries `<id>.panelModule.disagreement` / `.volumeBias`; lazy chunks. */
export const DISAGREEMENT_PANEL = 'disagreement';
export const VOLUME_BIAS_PANEL = 'volumeBias';

const extension: OhifExtension = {
  id: EXTENSION_ID,
  getPanelModule: () => [
    {
      name: DISAGREEMENT_PANEL,
      label: 'Disagreement',
      iconName: 'tab-disagreement',
      component: lazy(() => import('./panels/DisagreementPanel.tsx')),
    },
    {
      name: VOLUME_BIAS_PANEL,
      label: 'Volumetric bias',
      iconName: 'tab-volume-bias',
      component: lazy(() => import('./panels/VolumeBiasPanel.tsx')),
    },
  ],
  getCommandsModule,
};

export default extension;
