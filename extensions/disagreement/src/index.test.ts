// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createOhifManagers } from '@concord/core/ohif';
import extension, {
  DISAGREEMENT_PANEL,
  EXTENSION_ID,
  NEXT_WORST_SLICE,
  PREVIOUS_WORST_SLICE,
  VOLUME_BIAS_PANEL,
} from './index.ts';

describe('disagreement extension (registered through the real OHIF managers)', () => {
  it('offers its two panels and the worst-slice commands', async () => {
    const { extensionManager, commandsManager } = createOhifManagers();
    await extensionManager.registerExtension(extension);
    for (const name of [DISAGREEMENT_PANEL, VOLUME_BIAS_PANEL]) {
      const entry = extensionManager.getModuleEntry(`${EXTENSION_ID}.panelModule.${name}`) as
        { name: string; component: unknown } | undefined;
      expect(entry?.name).toBe(name);
      expect(entry?.component).toBeTruthy();
    }
    // hotkeys run commands without a context: found in the extension's own context
    // (no structure is chosen in a panel yet, so there is nowhere to go)
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, {})).toBeNull();
    expect(commandsManager.runCommand(PREVIOUS_WORST_SLICE, {})).toBeNull();
  });
});
