import { createOhifManagers, type OhifManagers } from '@concord/core/ohif';
import onnxInference from '@concord/extension-onnx-inference';
import segmentationMetrics from '@concord/extension-segmentation-metrics';
import disagreement from '@concord/extension-disagreement';
import reportExport from '@concord/extension-report-export';
import modelVsAnnotator from '@concord/mode-model-vs-annotator';
import type { AppConfig } from './appConfig.ts';
import { createDataSource, type DataSource } from './dataSources/index.ts';

export const EXTENSIONS = [onnxInference, segmentationMetrics, disagreement, reportExport];
export const MODES = [modelVsAnnotator];

export interface BootedApp extends OhifManagers {
  modes: typeof MODES;
  dataSources: Map<string, DataSource>;
}

/** Creates the real @ohif/core managers and registers our extensions through the OHIF contract. */
export async function bootApp(config: AppConfig): Promise<BootedApp> {
  const managers = createOhifManagers(config as unknown as Record<string, unknown>);
  for (const extension of EXTENSIONS) {
    await managers.extensionManager.registerExtension(extension);
  }
  const dataSources = new Map(config.dataSources.map((c) => [c.name, createDataSource(c)]));
  return { ...managers, modes: MODES, dataSources };
}
