// @vitest-environment happy-dom
/**
 * The mode and every extension registered in the real @ohif/core managers, as a host registers
 * them: every panel and command the mode names resolves, and its hotkeys run commands.
 */
import { describe, expect, it } from 'vitest';
import { createOhifManagers, type OhifPanelEntry } from '@concord/core/ohif';
import { declaredOverlaySources } from '@concord/core';
import inferenceExtension from '@concord/extension-onnx-inference';
import metricsExtension from '@concord/extension-segmentation-metrics';
import disagreementExtension, { OVERLAY_SOURCE_IDS } from '@concord/extension-disagreement';
import reportExportExtension from '@concord/extension-report-export';
import mode, { VIEWER_COMMANDS, VIEWER_COMMANDS_CONTEXT } from './index.ts';

const EXTENSIONS = [
  inferenceExtension,
  metricsExtension,
  disagreementExtension,
  reportExportExtension,
];

async function registered() {
  const managers = createOhifManagers();
  for (const extension of EXTENSIONS) await managers.extensionManager.registerExtension(extension);
  return managers;
}

/** A key press as a browser delivers it (keydown, then keypress for printable keys). */
function press(key: string, keyCode: number) {
  document.dispatchEvent(new KeyboardEvent('keydown', { key, keyCode, which: keyCode } as never));
  if (key.length === 1)
    document.dispatchEvent(
      new KeyboardEvent('keypress', { key, charCode: keyCode, which: keyCode } as never),
    );
}

describe('mode and extensions in the OHIF ExtensionManager', () => {
  it('registers every extension the mode depends on, under the id the mode names', async () => {
    const { extensionManager } = await registered();
    const m = mode.modeFactory();
    expect([...extensionManager.registeredExtensionIds].sort()).toEqual(
      Object.keys(m.extensions).sort(),
    );
  });

  it('resolves every panel the mode shows to a lazy component of its extension', async () => {
    const { extensionManager } = await registered();
    const m = mode.modeFactory();
    expect(m.rightPanels).toHaveLength(7);
    for (const id of m.rightPanels) {
      const entry = extensionManager.getModuleEntry(id) as OhifPanelEntry | undefined;
      expect(entry, id).toBeDefined();
      expect(id.endsWith(`.panelModule.${entry?.name}`)).toBe(true);
      expect(entry?.label).toBeTruthy();
      // React.lazy: loads the panel's chunk only when it first renders
      expect((entry?.component as { $$typeof?: symbol }).$$typeof).toBe(Symbol.for('react.lazy'));
    }
  });

  it('offers every command a hotkey names: the viewer’s own or an extension’s', async () => {
    const { commandsManager } = await registered();
    const viewerCommands = new Set<string>(Object.values(VIEWER_COMMANDS));
    const fromExtensions = mode
      .modeFactory()
      .hotkeys.map((h) => h.commandName)
      .filter((name) => !viewerCommands.has(name));
    expect(fromExtensions).toEqual(['nextWorstSlice', 'previousWorstSlice']);
    // an extension command runs (no structure is chosen in a panel: nowhere to go -> null;
    // a command that is not registered would give undefined)
    for (const name of fromExtensions) expect(commandsManager.runCommand(name, {})).toBeNull();
  });

  it('runs a hotkey’s command through the HotkeysManager and CommandsManager', async () => {
    const { commandsManager, hotkeysManager } = await registered();
    // what the host registers for the mode's viewer commands
    const calls: Array<[string, Record<string, unknown>]> = [];
    commandsManager.createContext(VIEWER_COMMANDS_CONTEXT);
    for (const name of Object.values(VIEWER_COMMANDS))
      commandsManager.registerCommand(VIEWER_COMMANDS_CONTEXT, name, {
        commandFn: (o) => void calls.push([name, o]),
      });
    hotkeysManager.setHotkeys(mode.modeFactory().hotkeys);
    try {
      press('ArrowDown', 40);
      press('3', 51);
      expect(calls.map(([name]) => name)).toEqual(['nextImage', 'setLayout']);
      expect(calls[1][1]).toMatchObject({ layout: 'mpr' });
    } finally {
      hotkeysManager.setHotkeys([]);
      hotkeysManager.destroy();
    }
  });

  it('declares the Disagreement and Uncertainty overlay sources for the host to register', async () => {
    const { extensionManager } = await registered();
    const sources = declaredOverlaySources(extensionManager.getModulesByType('utilityModule'));
    expect(sources).toEqual([
      {
        id: OVERLAY_SOURCE_IDS.disagreement,
        label: 'Disagreement',
        role: 'derived',
        defaultStyle: { fill: true, outline: false, opacity: 0.7 },
      },
      {
        id: OVERLAY_SOURCE_IDS.uncertainty,
        label: 'Uncertainty',
        role: 'derived',
        defaultStyle: { fill: true, outline: false, opacity: 0.6 },
      },
    ]);
  });
});
