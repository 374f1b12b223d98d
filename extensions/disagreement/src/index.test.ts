// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createOhifManagers } from '@concord/core/ohif';
import extension, { COMMAND_IDS, COMMANDS_CONTEXT, PANEL_IDS, PANEL_NAMES } from './index.ts';

describe('disagreement extension (registered through the real OHIF managers)', () => {
  it('offers its two panels and the worst-slice commands', async () => {
    const { extensionManager, commandsManager } = createOhifManagers();
    await extensionManager.registerExtension(extension);
    for (const name of [PANEL_NAMES.disagreement, PANEL_NAMES.volumeBias]) {
      const entry = extensionManager.getModuleEntry(PANEL_IDS[name]) as
        { name: string; component: unknown } | undefined;
      expect(entry?.name).toBe(name);
      expect(entry?.component).toBeTruthy();
    }
    expect(Object.keys(commandsManager.getContext(COMMANDS_CONTEXT) ?? {}).sort()).toEqual(
      Object.values(COMMAND_IDS).sort(),
    );
    // hotkeys run commands without a context: found in the extension's own context
    // (no structure is chosen in a panel yet, so there is nowhere to go)
    expect(commandsManager.runCommand(COMMAND_IDS.nextWorstSlice, {})).toBeNull();
    expect(commandsManager.runCommand(COMMAND_IDS.previousWorstSlice, {})).toBeNull();
  });
});
