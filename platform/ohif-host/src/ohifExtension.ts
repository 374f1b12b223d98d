/**
 * A Concord extension (the object its `src/index.ts` exports) as a runtime plugin for stock
 * OHIF: the same panels, each in an island (island.tsx) that gets the viewer's current host;
 * the same commands, given that host as `viewer`; the same utility modules. docs/ohif.md.
 */
import type { ComponentType } from 'react';
import type { HostPanelProps } from '@concord/core';
import { islandPanel } from './island.ts';
import type { OhifExtensionManager, OhifServicesManager } from './ohifTypes.ts';
import { registeredSession } from './registry.ts';

/** What OHIF hands an extension's module getters. */
export interface OhifModuleParams {
  servicesManager: OhifServicesManager;
  extensionManager: OhifExtensionManager;
  commandsManager?: unknown;
}

interface PanelEntry {
  name: string;
  label?: string;
  iconName?: string;
  component: ComponentType<HostPanelProps>;
}

interface CommandsModule {
  definitions: Record<string, { commandFn: (options: Record<string, unknown>) => unknown }>;
  defaultContext?: string;
}

/** The subset of a Concord extension object this wrapper reads. */
export interface ConcordExtension {
  id: string;
  getPanelModule?: (...args: never[]) => unknown;
  getCommandsModule?: (...args: never[]) => unknown;
  getUtilityModule?: (...args: never[]) => unknown;
}

/** Icons of OHIF's own set for Concord's tabs (OHIF shows a placeholder for unknown names). */
export const OHIF_TAB_ICONS: Record<string, string> = {
  model: 'tab-4d',
  metrics: 'tab-linear',
  disagreement: 'tab-contours',
  volumeBias: 'tab-roi-threshold',
  export: 'tab-patient-info',
};

export function ohifExtension(extension: ConcordExtension) {
  const out: Record<string, unknown> = { id: extension.id };
  if (extension.getPanelModule) {
    const getPanels = extension.getPanelModule as () => PanelEntry[];
    out.getPanelModule = (params: OhifModuleParams) =>
      getPanels().map((entry) => ({
        name: entry.name,
        label: entry.label ?? entry.name,
        iconLabel: entry.label ?? entry.name,
        iconName: OHIF_TAB_ICONS[entry.name] ?? entry.iconName,
        component: islandPanel(entry.component, entry.label ?? entry.name, params),
      }));
  }
  if (extension.getCommandsModule) {
    const getCommands = extension.getCommandsModule as () => CommandsModule;
    out.getCommandsModule = (params: OhifModuleParams) => {
      const { definitions, defaultContext } = getCommands();
      return {
        definitions: Object.fromEntries(
          Object.entries(definitions).map(([name, d]) => [
            name,
            {
              ...d,
              // the commands act on a viewer: the session's host of the active series
              commandFn: (options: Record<string, unknown> = {}) =>
                d.commandFn({
                  ...options,
                  viewer: options.viewer ?? registeredSession(params.servicesManager)?.current(),
                }),
            },
          ]),
        ),
        defaultContext,
      };
    };
  }
  if (extension.getUtilityModule) out.getUtilityModule = extension.getUtilityModule;
  return out;
}
