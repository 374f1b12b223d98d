/**
 * The extension's commands module: the worst-slice steps (implemented in panels/commands.ts,
 * next to the panel that chooses the structure) under the ids and context of ids.ts.
 */
import type { OhifCommandsModule } from '@concord/core/ohif';
import { getCommandsModule as getWorstSliceCommands } from './panels/commands.ts';
import { COMMAND_IDS, COMMANDS_CONTEXT } from './ids.ts';

export function getCommandsModule(): OhifCommandsModule {
  const { definitions } = getWorstSliceCommands();
  return {
    definitions: Object.fromEntries(
      Object.values(COMMAND_IDS).map((name) => {
        const definition = definitions[name];
        if (!definition) throw new Error(`The disagreement panels define no command "${name}"`);
        return [name, definition];
      }),
    ),
    defaultContext: COMMANDS_CONTEXT,
  };
}
