/**
 * File names of Concord's runtime plugins for stock OHIF in `dist/ohif/` (npm run build:ohif):
 * one ESM file per extension and one for the mode, side by side. Constants only: the build
 * script and the mode read them. docs/ohif.md.
 */
export const OHIF_EXTENSION_FILES = {
  '@concord/extension-onnx-inference': 'concord-extension-onnx-inference.js',
  '@concord/extension-segmentation-metrics': 'concord-extension-segmentation-metrics.js',
  '@concord/extension-disagreement': 'concord-extension-disagreement.js',
  '@concord/extension-report-export': 'concord-extension-report-export.js',
} as const;

export const OHIF_MODE_FILE = 'concord-mode-model-vs-annotator.js';
