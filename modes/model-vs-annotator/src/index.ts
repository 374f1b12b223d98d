/**
 * The model-vs-annotator mode: an OHIF v3 mode object (id, routes, extension dependencies,
 * isValidMode). The viewer activates it by route.
 */
import packageJson from '../package.json' with { type: 'json' };

export const MODE_ID: string = packageJson.name;
export const MODE_ROUTE = 'model-vs-annotator';

export interface ModeSeriesSummary {
  Modality: string;
}

export interface ModeDefinition {
  id: string;
  routeName: string;
  displayName: string;
  extensions: Record<string, string>;
  isValidMode: (args: { modalities: string; study?: { series?: ModeSeriesSummary[] } }) => {
    valid: boolean;
    description?: string;
  };
  /** Panel module entries shown right of the viewports, top to bottom. */
  rightPanels: string[];
  /** Toolbar: layouts and the tools the primary mouse button can take. */
  toolbar: {
    layouts: Array<{ id: 'stack' | 'mpr'; label: string }>;
    tools: Array<{
      id: 'WindowLevel' | 'Pan' | 'Zoom' | 'Crosshairs';
      label: string;
      mprOnly?: boolean;
    }>;
  };
  /** Hotkeys bound through OHIF's HotkeysManager to the viewer's commands. */
  hotkeys: Array<{
    commandName: string;
    commandOptions?: Record<string, unknown>;
    keys: string[];
    label: string;
  }>;
}

/** Panel module entry ids (`<extension id>.panelModule.<name>`), as OHIF modes name them. */
export const PANELS = {
  model: '@concord/extension-onnx-inference.panelModule.model',
  metrics: '@concord/extension-segmentation-metrics.panelModule.metrics',
  disagreement: '@concord/extension-disagreement.panelModule.disagreement',
  volumeBias: '@concord/extension-disagreement.panelModule.volumeBias',
  export: '@concord/extension-report-export.panelModule.export',
} as const;

export const TOOLBAR: ModeDefinition['toolbar'] = {
  layouts: [
    { id: 'stack', label: 'Stack' },
    { id: 'mpr', label: 'MPR' },
  ],
  tools: [
    { id: 'WindowLevel', label: 'W/L' },
    { id: 'Pan', label: 'Pan' },
    { id: 'Zoom', label: 'Zoom' },
    { id: 'Crosshairs', label: 'Crosshairs', mprOnly: true },
  ],
};

export const HOTKEYS: ModeDefinition['hotkeys'] = [
  {
    commandName: 'setToolActive',
    commandOptions: { toolName: 'WindowLevel' },
    keys: ['w'],
    label: 'Window/level',
  },
  { commandName: 'setToolActive', commandOptions: { toolName: 'Pan' }, keys: ['p'], label: 'Pan' },
  {
    commandName: 'setToolActive',
    commandOptions: { toolName: 'Zoom' },
    keys: ['z'],
    label: 'Zoom',
  },
  {
    commandName: 'setToolActive',
    commandOptions: { toolName: 'Crosshairs' },
    keys: ['c'],
    label: 'Crosshairs (MPR)',
  },
  { commandName: 'nextImage', keys: ['down'], label: 'Next image' },
  { commandName: 'previousImage', keys: ['up'], label: 'Previous image' },
  {
    commandName: 'setLayout',
    commandOptions: { layout: 'stack' },
    keys: ['1'],
    label: 'Stack layout',
  },
  { commandName: 'setLayout', commandOptions: { layout: 'mpr' }, keys: ['3'], label: 'MPR layout' },
  { commandName: 'resetViewport', keys: ['r'], label: 'Reset view' },
  // commands of @concord/extension-disagreement (structure chosen in its panel)
  { commandName: 'nextWorstSlice', keys: [']'], label: 'Next worst slice' },
  { commandName: 'previousWorstSlice', keys: ['['], label: 'Previous worst slice' },
];

/** Modalities that carry images the model can run on (SEG/SR/PR are not image series). */
const IMAGE_MODALITIES = new Set(['MR', 'CT', 'PT', 'US', 'OT', 'NM', 'CR', 'DX', 'XA']);

export function isValidMode({ modalities }: { modalities: string }) {
  const list = modalities.split('\\').filter(Boolean);
  const valid = list.some((m) => IMAGE_MODALITIES.has(m));
  return {
    valid,
    description: valid
      ? undefined
      : 'The model-vs-annotator mode needs at least one image series (e.g. MR or CT).',
  };
}

export function modeFactory(): ModeDefinition {
  return {
    id: MODE_ID,
    routeName: MODE_ROUTE,
    displayName: 'Model vs annotator',
    extensions: {
      '@concord/extension-onnx-inference': '^0.1.0',
      '@concord/extension-segmentation-metrics': '^0.1.0',
      '@concord/extension-disagreement': '^0.1.0',
      '@concord/extension-report-export': '^0.1.0',
    },
    isValidMode,
    rightPanels: [
      PANELS.model,
      PANELS.metrics,
      PANELS.disagreement,
      PANELS.volumeBias,
      PANELS.export,
    ],
    toolbar: TOOLBAR,
    hotkeys: HOTKEYS,
  };
}

const mode = { id: MODE_ID, modeFactory };
export default mode;
