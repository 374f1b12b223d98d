/**
 * Typed facade over `@ohif/core`. The npm package is a UMD bundle; depending on the loader
 * (Vite dev, Vite build, Node ESM) its exports arrive as named exports, as `default`, or
 * both. This module finds the real classes once and re-exports them with our types.
 */
import * as ohifModule from '@ohif/core';
import type * as Ohif from '@ohif/core';

type OhifCore = typeof Ohif.default;

function resolveOhifCore(ns: unknown): OhifCore {
  const candidates = [
    ns,
    (ns as { default?: unknown }).default,
    (ns as { default?: { default?: unknown } }).default?.default,
  ];
  for (const c of candidates) {
    if (c && typeof (c as OhifCore).ExtensionManager === 'function') return c as OhifCore;
  }
  throw new Error(
    '@ohif/core did not load: ExtensionManager not found (check the @ohif/core alias)',
  );
}

const core = resolveOhifCore(ohifModule);

export const CommandsManager = core.CommandsManager;
export const ServicesManager = core.ServicesManager;
export const HotkeysManager = core.HotkeysManager;
export const ExtensionManager = core.ExtensionManager;
export const PubSubService = core.PubSubService;
export const DicomMetadataStore = core.DicomMetadataStore;

export type CommandsManager = Ohif.CommandsManager;
export type ServicesManager = Ohif.ServicesManager;
export type HotkeysManager = Ohif.HotkeysManager;
export type ExtensionManager = Ohif.ExtensionManager;
export type PubSubService = Ohif.PubSubService;
export type OhifExtension = Ohif.OhifExtension;
export type OhifExtensionParams = Ohif.OhifExtensionParams;
export type OhifCommandsModule = Ohif.OhifCommandsModule;
export type OhifCommandDefinition = Ohif.OhifCommandDefinition;
export type OhifPanelEntry = Ohif.OhifPanelEntry;
export type OhifUtilityEntry = Ohif.OhifUtilityEntry;

export interface OhifManagers {
  commandsManager: Ohif.CommandsManager;
  servicesManager: Ohif.ServicesManager;
  hotkeysManager: Ohif.HotkeysManager;
  extensionManager: Ohif.ExtensionManager;
}

/** Creates the four OHIF managers wired together, as the OHIF app does at boot. */
export function createOhifManagers(appConfig: Record<string, unknown> = {}): OhifManagers {
  const commandsManager = new CommandsManager({});
  const servicesManager = new ServicesManager(commandsManager);
  const hotkeysManager = new HotkeysManager(commandsManager, servicesManager);
  const extensionManager = new ExtensionManager({
    commandsManager,
    servicesManager,
    hotkeysManager,
    appConfig,
  });
  servicesManager.setExtensionManager(extensionManager);
  return { commandsManager, servicesManager, hotkeysManager, extensionManager };
}
