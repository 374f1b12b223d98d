import { createOhifManagers, type OhifManagers } from '@concord/core/ohif';
import onnxInference from '@concord/extension-onnx-inference';
import segmentationMetrics from '@concord/extension-segmentation-metrics';
import disagreement from '@concord/extension-disagreement';
import reportExport from '@concord/extension-report-export';
import modelVsAnnotator from '@concord/mode-model-vs-annotator';
import type { AppConfig } from './appConfig.ts';

export const EXTENSIONS = [onnxInference, segmentationMetrics, disagreement, reportExport];
export const MODES = [modelVsAnnotator];

export interface BootedApp extends OhifManagers {
  modes: typeof MODES;
}

/** Creates the real @ohif/core managers and registers our extensions through the OHIF contract. */
export async function bootApp(config: AppConfig): Promise<BootedApp> {
  const managers = createOhifManagers(config as unknown as Record<string, unknown>);
  for (const extension of EXTENSIONS) {
    await managers.extensionManager.registerExtension(extension);
  }
  return { ...managers, modes: MODES };
}
