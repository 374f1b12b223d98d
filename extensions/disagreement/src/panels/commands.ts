/** Commands of the extension, run by the mode's hotkeys through OHIF's CommandsManager. */
import type { OhifCommandsModule } from '@concord/core/ohif';
import { stepToWorstSlice } from './session.ts';

export const COMMANDS_CONTEXT = 'DISAGREEMENT';
export const NEXT_WORST_SLICE = 'nextWorstSlice';
export const PREVIOUS_WORST_SLICE = 'previousWorstSlice';

export function getCommandsModule(): OhifCommandsModule {
  return {
    definitions: {
      [NEXT_WORST_SLICE]: { commandFn: () => stepToWorstSlice(1) },
      [PREVIOUS_WORST_SLICE]: { commandFn: () => stepToWorstSlice(-1) },
    },
    defaultContext: COMMANDS_CONTEXT,
  };
}
