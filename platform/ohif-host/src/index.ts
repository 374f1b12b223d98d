/**
 * @concord/ohif-host: Concord's extensions as runtime plugins of a stock OHIF viewer (3.13).
 * This entry is light (the plugin entries import it); the host contract over OHIF's services
 * and the session are in `@concord/ohif-host/session`, loaded when needed. docs/ohif.md.
 */
export { ohifExtension, OHIF_TAB_ICONS, type OhifModuleParams } from './ohifExtension.ts';
export { islandPanel, type IslandSource } from './island.ts';
export { registeredSession, type SessionHandle } from './registry.ts';
export type { HostCornerstone, OhifServicesManager, OhifExtensionManager } from './ohifTypes.ts';
