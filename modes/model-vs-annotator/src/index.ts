/**
 * The model-vs-annotator mode: an OHIF v3 mode object (id, routes, extension dependencies,
 * isValidMode). The viewer activates it by route. Panel, command and hotkey ids come from the
 * extensions' `ids` entries (constants only: the mode loads none of the extensions' code).
 */
import packageJson from '../package.json' with { type: 'json' };
import * as inference from '@concord/extension-onnx-inference/ids';
import * as metrics from '@concord/extension-segmentation-metrics/ids';
import * as disagreement from '@concord/extension-disagreement/ids';
import * as reportExport from '@concord/extension-report-export/ids';

export const MODE_ID: string = packageJson.name;
export const MODE_ROUTE = 'model-vs-annotator';

export interface ModeSeriesSummary {
  Modality: string;
}

export interface ModeHotkey {
  commandName: string;
  commandOptions?: Record<string, unknown>;
  keys: string[];
  label: string;
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
  /** Hotkeys bound through OHIF's HotkeysManager to the viewer's and the extensions' commands. */
  hotkeys: ModeHotkey[];
}

/** Panel module entry ids (`<extension id>.panelModule.<name>`), as OHIF modes name them. */
export const PANELS = {
  model: inference.PANEL_IDS.model,
  metrics: metrics.PANEL_IDS.metrics,
  disagreement: disagreement.PANEL_IDS.disagreement,
  volumeBias: disagreement.PANEL_IDS.volumeBias,
  calibration: disagreement.PANEL_IDS.calibration,
  lossInspector: disagreement.PANEL_IDS.lossInspector,
  export: reportExport.PANEL_IDS.export,
} as const;

/** The extensions the mode needs, by id. */
export const EXTENSIONS: Record<string, string> = {
  [inference.EXTENSION_ID]: '^0.1.0',
  [metrics.EXTENSION_ID]: '^0.1.0',
  [disagreement.EXTENSION_ID]: '^0.1.0',
  [reportExport.EXTENSION_ID]: '^0.1.0',
};

/** Context of the commands the hosting viewer itself offers (stack, tools, layout). */
export const VIEWER_COMMANDS_CONTEXT = 'VIEWER';

/** Commands the mode's hotkeys expect the hosting viewer to offer in `VIEWER_COMMANDS_CONTEXT`. */
export const VIEWER_COMMANDS = {
  setToolActive: 'setToolActive',
  nextImage: 'nextImage',
  previousImage: 'previousImage',
  setLayout: 'setLayout',
  resetViewport: 'resetViewport',
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
    commandName: VIEWER_COMMANDS.setToolActive,
    commandOptions: { toolName: 'WindowLevel' },
    keys: ['w'],
    label: 'Window/level',
  },
  {
    commandName: VIEWER_COMMANDS.setToolActive,
    commandOptions: { toolName: 'Pan' },
    keys: ['p'],
    label: 'Pan',
  },
  {
    commandName: VIEWER_COMMANDS.setToolActive,
    commandOptions: { toolName: 'Zoom' },
    keys: ['z'],
    label: 'Zoom',
  },
  {
    commandName: VIEWER_COMMANDS.setToolActive,
    commandOptions: { toolName: 'Crosshairs' },
    keys: ['c'],
    label: 'Crosshairs (MPR)',
  },
  { commandName: VIEWER_COMMANDS.nextImage, keys: ['down'], label: 'Next image' },
  { commandName: VIEWER_COMMANDS.previousImage, keys: ['up'], label: 'Previous image' },
  {
    commandName: VIEWER_COMMANDS.setLayout,
    commandOptions: { layout: 'stack' },
    keys: ['1'],
    label: 'Stack layout',
  },
  {
    commandName: VIEWER_COMMANDS.setLayout,
    commandOptions: { layout: 'mpr' },
    keys: ['3'],
    label: 'MPR layout',
  },
  { commandName: VIEWER_COMMANDS.resetViewport, keys: ['r'], label: 'Reset view' },
  // commands of @concord/extension-disagreement (structure chosen in its panel)
  disagreement.HOTKEYS.nextWorstSlice,
  disagreement.HOTKEYS.previousWorstSlice,
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
    extensions: EXTENSIONS,
    isValidMode,
    rightPanels: [
      PANELS.model,
      PANELS.metrics,
      PANELS.disagreement,
      PANELS.volumeBias,
      PANELS.calibration,
      PANELS.lossInspector,
      PANELS.export,
    ],
    toolbar: TOOLBAR,
    hotkeys: HOTKEYS,
  };
}

const mode = { id: MODE_ID, modeFactory };
export default mode;
