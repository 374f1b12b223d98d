/**
 * Ambient types for the parts of `@ohif/core` (3.13, shipped as a UMD bundle without
 * types) that Concord uses. `tsconfig.json` maps the module name to this file; Vite,
 * Vitest and tsx alias it to `@ohif/core/dist/ohif-core.umd.js` at run time.
 * Keep this list to what we call: each member here is exercised by a test.
 */

export interface OhifCommandDefinition {
  commandFn: (options: Record<string, unknown>) => unknown;
  options?: Record<string, unknown>;
  context?: string;
}

export interface OhifCommandsModule {
  definitions: Record<string, OhifCommandDefinition>;
  defaultContext?: string;
}

export interface OhifExtensionParams {
  servicesManager: ServicesManager;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
  hotkeysManager?: HotkeysManager;
  appConfig?: Record<string, unknown>;
  configuration?: Record<string, unknown>;
}

/** One entry of an extension's panel module (`<extension id>.panelModule.<name>`). */
export interface OhifPanelEntry {
  name: string;
  label?: string;
  iconName?: string;
  component: unknown;
}

/** One entry of an extension's utility module (`<extension id>.utilityModule.<name>`). */
export interface OhifUtilityEntry {
  name: string;
  exports: Record<string, unknown>;
}

/** The OHIF v3 extension contract (the subset Concord implements). */
export interface OhifExtension {
  id: string;
  preRegistration?: (params: OhifExtensionParams) => void | Promise<void>;
  onModeEnter?: (params: OhifExtensionParams) => void;
  onModeExit?: (params: OhifExtensionParams) => void;
  getCommandsModule?: (params: OhifExtensionParams) => OhifCommandsModule;
  getPanelModule?: (params: OhifExtensionParams) => OhifPanelEntry[];
  getUtilityModule?: (params: OhifExtensionParams) => OhifUtilityEntry[];
  getDataSourcesModule?: (
    params: OhifExtensionParams,
  ) => Array<{ name: string; type: string; createDataSource: (config: unknown) => unknown }>;
  getToolbarModule?: (params: OhifExtensionParams) => unknown[];
  getHangingProtocolModule?: (params: OhifExtensionParams) => unknown[];
  getLayoutTemplateModule?: (params: OhifExtensionParams) => unknown[];
  getViewportModule?: (params: OhifExtensionParams) => unknown[];
}

export class CommandsManager {
  constructor(options?: Record<string, unknown>);
  createContext(contextName: string): void;
  getContext(contextName: string): Record<string, OhifCommandDefinition> | undefined;
  registerCommand(
    contextName: string,
    commandName: string,
    definition: OhifCommandDefinition,
  ): void;
  runCommand(
    commandName: string,
    options?: Record<string, unknown>,
    contextName?: string | string[],
  ): unknown;
}

export interface ServiceRegistration {
  name: string;
  altName?: string;
  create: (params: Record<string, unknown>) => unknown;
}

export class ServicesManager {
  constructor(commandsManager: CommandsManager);
  services: Record<string, unknown>;
  setExtensionManager(extensionManager: ExtensionManager): void;
  registerService(
    registration: { REGISTRATION: ServiceRegistration } | ServiceRegistration,
    configuration?: Record<string, unknown>,
  ): void;
  registerServices(registrations: Array<{ REGISTRATION: ServiceRegistration }>): void;
}

export class HotkeysManager {
  constructor(commandsManager: CommandsManager, servicesManager: ServicesManager);
  hotkeyDefinitions: Record<string, unknown>;
  setHotkeys(
    hotkeys: Array<{
      commandName: string;
      commandOptions?: Record<string, unknown>;
      keys: string[];
      label?: string;
    }>,
  ): void;
  destroy(): void;
}

export class ExtensionManager {
  constructor(params: {
    commandsManager: CommandsManager;
    servicesManager: ServicesManager;
    hotkeysManager?: HotkeysManager;
    appConfig?: Record<string, unknown>;
  });
  registeredExtensionIds: string[];
  registerExtension(
    extension: OhifExtension,
    configuration?: Record<string, unknown>,
    dataSources?: unknown[],
  ): Promise<void>;
  registerExtensions(extensions: OhifExtension[], dataSources?: unknown[]): Promise<void>;
  getModuleEntry(id: string): unknown;
  getModulesByType(type: string): Array<{ extensionId: string; module: unknown }> | undefined;
}

export interface PubSubSubscription {
  unsubscribe: () => void;
}

export class PubSubService {
  constructor(events: Record<string, string>);
  EVENTS: Record<string, string>;
  subscribe(eventName: string, callback: (data: unknown) => void): PubSubSubscription;
  _broadcastEvent(eventName: string, data: unknown): void;
  unsubscribe(eventName: string, listenerId: string): void;
}

export interface DicomMetadataStoreApi {
  EVENTS: Record<string, string>;
  addInstances(instances: Array<Record<string, unknown>>, madeInClient?: boolean): void;
  getStudy(studyInstanceUID: string):
    | {
        StudyInstanceUID: string;
        series: Array<{ SeriesInstanceUID: string; instances: Array<Record<string, unknown>> }>;
      }
    | undefined;
  getSeries(
    studyInstanceUID: string,
    seriesInstanceUID: string,
  ): { SeriesInstanceUID: string; instances: Array<Record<string, unknown>> } | undefined;
  getInstance(
    studyInstanceUID: string,
    seriesInstanceUID: string,
    sopInstanceUID: string,
  ): Record<string, unknown> | undefined;
  getStudyInstanceUIDs(): string[];
  subscribe(eventName: string, callback: (data: unknown) => void): PubSubSubscription;
}

export const DicomMetadataStore: DicomMetadataStoreApi;

declare const ohifCore: {
  CommandsManager: typeof CommandsManager;
  ServicesManager: typeof ServicesManager;
  HotkeysManager: typeof HotkeysManager;
  ExtensionManager: typeof ExtensionManager;
  PubSubService: typeof PubSubService;
  DicomMetadataStore: DicomMetadataStoreApi;
};
export default ohifCore;
