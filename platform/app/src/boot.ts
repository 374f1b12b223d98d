/**
 * Start-up in two parts. `createCore` is synchronous and light (data sources, modes): the
 * viewer can fetch and draw the first image right away. `bootOhif` loads @ohif/core and the
 * extensions (ONNX runtime, metric engine, PDF writer, …) as separate chunks in parallel, creates
 * the real OHIF managers and registers the extensions through the OHIF contract.
 */
import type { OhifManagers } from '@concord/core/ohif';
import type { OhifExtension } from '@concord/core/ohif';
import modelVsAnnotator from '@concord/mode-model-vs-annotator';
import type { AppConfig } from './appConfig.ts';
import { createDataSource, type DataSource } from './dataSources/index.ts';

export const MODES = [modelVsAnnotator];

/** The extensions, each its own chunk. */
export const EXTENSION_LOADERS: Array<() => Promise<{ default: OhifExtension }>> = [
  () => import('@concord/extension-onnx-inference'),
  () => import('@concord/extension-segmentation-metrics'),
  () => import('@concord/extension-disagreement'),
  () => import('@concord/extension-report-export'),
];

export interface CoreApp {
  config: AppConfig;
  modes: typeof MODES;
  dataSources: Map<string, DataSource>;
}

export type BootedApp = OhifManagers;

export function createCore(config: AppConfig): CoreApp {
  const dataSources = new Map(config.dataSources.map((c) => [c.name, createDataSource(c)]));
  return { config, modes: MODES, dataSources };
}

/** Creates the real @ohif/core managers and registers our extensions through the OHIF contract. */
export async function bootOhif(config: AppConfig): Promise<BootedApp> {
  const [{ createOhifManagers }, ...extensions] = await Promise.all([
    import('@concord/core/ohif'),
    ...EXTENSION_LOADERS.map((load) => load()),
  ]);
  const managers = createOhifManagers(config as unknown as Record<string, unknown>);
  for (const { default: extension } of extensions) {
    await managers.extensionManager.registerExtension(extension);
  }
  return managers;
}
