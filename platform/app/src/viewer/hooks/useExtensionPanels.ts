/** The mode's right-hand panels, resolved through OHIF's ExtensionManager once it has loaded. */
import { useMemo, type ComponentType } from 'react';
import type { ModeDefinition } from '@concord/mode-model-vs-annotator';
import type { BootedApp } from '../../boot.ts';
import type { ViewerPanelProps } from '../../viewerBridge.ts';

export type PanelEntry = {
  name: string;
  label?: string;
  component: ComponentType<ViewerPanelProps>;
};

export function useExtensionPanels(ohif: BootedApp | null, mode: ModeDefinition): PanelEntry[] {
  return useMemo(
    () =>
      mode.rightPanels
        .map((id) => ohif?.extensionManager.getModuleEntry(id) as PanelEntry | undefined)
        .filter((p): p is PanelEntry => !!p),
    [ohif, mode],
  );
}
