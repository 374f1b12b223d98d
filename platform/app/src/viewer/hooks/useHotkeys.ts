/**
 * The mode's hotkeys, bound through OHIF's HotkeysManager: the viewer's own commands
 * (`VIEWER_COMMANDS` of the mode, registered here in their context) and the extensions'
 * commands (registered by the ExtensionManager), which act on the viewer given to them as
 * `viewer`: this one, the active viewer.
 */
import { useEffect } from 'react';
import {
  VIEWER_COMMANDS,
  VIEWER_COMMANDS_CONTEXT,
  type ModeDefinition,
} from '@concord/mode-model-vs-annotator';
import type { ViewerHost } from '@concord/core';
import type { OhifCommandsModule } from '@concord/core/ohif';
import type { BootedApp } from '../../boot.ts';
import type { LayoutKind, PrimaryTool, ViewportController } from '../viewportController.ts';

type ViewerCommand = (typeof VIEWER_COMMANDS)[keyof typeof VIEWER_COMMANDS];

export function useHotkeys({
  ohif,
  controller,
  mode,
  setLayout,
  viewer,
}: {
  ohif: BootedApp | null;
  controller: ViewportController | null;
  mode: ModeDefinition;
  setLayout: (layout: LayoutKind) => void;
  viewer: ViewerHost | null;
}) {
  useEffect(() => {
    if (!controller || !ohif) return;
    const { commandsManager, hotkeysManager } = ohif;
    commandsManager.createContext(VIEWER_COMMANDS_CONTEXT);
    const commands: Record<ViewerCommand, (o: Record<string, unknown>) => void> = {
      [VIEWER_COMMANDS.setToolActive]: (o) => controller.setPrimaryTool(o.toolName as PrimaryTool),
      [VIEWER_COMMANDS.nextImage]: () => controller.scroll(1),
      [VIEWER_COMMANDS.previousImage]: () => controller.scroll(-1),
      [VIEWER_COMMANDS.setLayout]: (o) => setLayout(o.layout as LayoutKind),
      [VIEWER_COMMANDS.resetViewport]: () => controller.resetView(),
    };
    for (const [name, fn] of Object.entries(commands))
      commandsManager.registerCommand(VIEWER_COMMANDS_CONTEXT, name, { commandFn: fn });
    // a hotkey of an extension's command runs it (in the extension's context) on this viewer
    const extensionContexts = (ohif.extensionManager.getModulesByType('commandsModule') ?? [])
      .map((m) => (m.module as OhifCommandsModule).defaultContext)
      .filter((c): c is string => !!c && c !== VIEWER_COMMANDS_CONTEXT);
    for (const { commandName } of mode.hotkeys)
      if (!(commandName in commands))
        commandsManager.registerCommand(VIEWER_COMMANDS_CONTEXT, commandName, {
          commandFn: (o) =>
            commandsManager.runCommand(commandName, { ...o, viewer }, extensionContexts),
        });
    hotkeysManager.setHotkeys(mode.hotkeys);
    return () => {
      hotkeysManager.setHotkeys([]); // next viewer re-creates the VIEWER context
    };
    // setLayout is left out: a state setter
  }, [ohif, controller, mode, viewer]);
}
