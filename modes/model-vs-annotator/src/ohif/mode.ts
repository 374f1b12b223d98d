/**
 * The model-vs-annotator mode as a runtime mode of stock OHIF 3.13 (docs/ohif.md): OHIF's own
 * layout, stack viewport, series list and tools, Concord's panels on the right, a hanging
 * protocol that opens the image series on its middle slice. Concord's extensions are listed by
 * URL (OHIF imports every key of `extensions`), resolved next to this file, so any deployment
 * path works. The Concord session (host, reference SEG) is loaded when the mode starts, as its
 * own chunk: the first image does not wait for it.
 */
import {
  EXTENSIONS,
  HOTKEYS as CONCORD_HOTKEYS,
  MODE_ID,
  MODE_ROUTE,
  PANELS,
  isValidMode,
} from '../index.ts';
import { OHIF_EXTENSION_FILES } from './files.ts';

const OHIF = {
  layout: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
  seriesList: '@ohif/extension-default.panelModule.seriesList',
  stack: '@ohif/extension-default.sopClassHandlerModule.stack',
  viewport: '@ohif/extension-cornerstone.viewportModule.cornerstone',
  segmentationPanel: '@ohif/extension-cornerstone.panelModule.panelSegmentation',
  tools: '@ohif/extension-cornerstone.utilityModule.tools',
};

export const HANGING_PROTOCOL_ID = 'concord-model-vs-annotator';
const TOOL_GROUP_ID = 'default';

/** URL of a plugin file next to this one (OHIF imports it by this key). */
export function pluginUrl(file: string): string {
  return new URL(/* @vite-ignore */ `./${file}`, import.meta.url).pathname;
}

/**
 * Set by the UMD build for OHIF 3.14 (scripts/build-ohif/umd.ts): 3.14 registers runtime
 * plugins from descriptors by their package name, so the mode lists Concord's extensions by id.
 */
declare const __CONCORD_OHIF_EXTENSIONS_BY_ID__: boolean | undefined;

/** The mode's extension dependencies: OHIF's by name, Concord's by URL (3.13) or by id (3.14). */
export function ohifExtensionDependencies(
  byId = typeof __CONCORD_OHIF_EXTENSIONS_BY_ID__ !== 'undefined' &&
    __CONCORD_OHIF_EXTENSIONS_BY_ID__,
): Record<string, string> {
  const deps: Record<string, string> = {
    '@ohif/extension-default': '^3.0.0',
    '@ohif/extension-cornerstone': '^3.0.0',
  };
  for (const id of Object.keys(EXTENSIONS)) {
    const file = OHIF_EXTENSION_FILES[id as keyof typeof OHIF_EXTENSION_FILES];
    if (!file) throw new Error(`No OHIF plugin file for ${id}`);
    deps[byId ? id : pluginUrl(file)] = EXTENSIONS[id];
  }
  return deps;
}

/** One stack viewport on the image series, middle slice (the sample's top slice is black). */
export const hangingProtocol = {
  id: HANGING_PROTOCOL_ID,
  name: 'Model vs annotator',
  locked: true,
  protocolMatchingRules: [],
  toolGroupIds: [TOOL_GROUP_ID],
  numberOfPriorsReferenced: 0,
  displaySetSelectors: {
    images: {
      seriesMatchingRules: [
        { weight: 10, attribute: 'numImageFrames', constraint: { greaterThan: { value: 1 } } },
        { weight: 20, attribute: 'isDisplaySetFromUrl', constraint: { equals: true } },
      ],
    },
  },
  defaultViewport: {
    viewportOptions: {
      viewportType: 'stack',
      toolGroupId: TOOL_GROUP_ID,
      allowUnmatchedView: true,
    },
    displaySets: [{ id: 'images', matchedDisplaySetsIndex: -1 }],
  },
  stages: [
    {
      name: 'stack',
      viewportStructure: { layoutType: 'grid', properties: { rows: 1, columns: 1 } },
      viewports: [
        {
          viewportOptions: {
            viewportType: 'stack',
            viewportId: 'concord-stack',
            toolGroupId: TOOL_GROUP_ID,
            initialImageOptions: { preset: 'middle' },
          },
          displaySets: [{ id: 'images' }],
        },
      ],
    },
  ],
};

type Services = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ModeParams {
  servicesManager: { services: Services };
  extensionManager: { getModuleEntry(id: string): { exports?: any } | undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
  commandsManager?: unknown;
}

const TOOL_BUTTONS = [
  { id: 'WindowLevel', icon: 'tool-window-level', label: 'Window Level' },
  { id: 'Pan', icon: 'tool-move', label: 'Pan' },
  { id: 'Zoom', icon: 'tool-zoom', label: 'Zoom' },
  { id: 'StackScroll', icon: 'tool-stack-scroll', label: 'Stack Scroll' },
];

/** OHIF's own tools on the default tool group: W/L left, pan middle, zoom right, wheel scrolls. */
function initTools({ servicesManager, extensionManager }: ModeParams) {
  const { toolGroupService, toolbarService } = servicesManager.services;
  const { toolNames, Enums } = extensionManager.getModuleEntry(OHIF.tools)?.exports ?? {};
  if (!toolNames) return;
  const mouse = Enums.MouseBindings;
  toolGroupService.createToolGroupAndAddTools(TOOL_GROUP_ID, {
    active: [
      { toolName: toolNames.WindowLevel, bindings: [{ mouseButton: mouse.Primary }] },
      { toolName: toolNames.Pan, bindings: [{ mouseButton: mouse.Auxiliary }] },
      { toolName: toolNames.Zoom, bindings: [{ mouseButton: mouse.Secondary }] },
      { toolName: toolNames.StackScroll, bindings: [{ mouseButton: mouse.Wheel }] },
    ],
    passive: [{ toolName: toolNames.SegmentationDisplay }],
  });
  toolbarService.register(
    TOOL_BUTTONS.map((b) => ({
      id: b.id,
      uiType: 'ohif.toolButton',
      props: {
        icon: b.icon,
        label: b.label,
        commands: {
          commandName: 'setToolActiveToolbar',
          commandOptions: { toolGroupIds: [TOOL_GROUP_ID], toolName: b.id },
        },
        evaluate: 'evaluate.cornerstoneTool',
      },
    })),
  );
  toolbarService.updateSection(
    toolbarService.sections?.primary ?? 'primary',
    TOOL_BUTTONS.map((b) => b.id),
  );
}

export function modeFactory() {
  return {
    id: MODE_ID,
    routeName: MODE_ROUTE,
    displayName: 'Model vs annotator (Concord)',
    // OHIF looks the mode's protocol up before onModeEnter (and calls onModeInit on every render)
    onModeInit({ servicesManager }: ModeParams) {
      const { hangingProtocolService } = servicesManager.services;
      if (!hangingProtocolService.protocols?.has(HANGING_PROTOCOL_ID))
        hangingProtocolService.addProtocol(HANGING_PROTOCOL_ID, hangingProtocol);
    },
    onModeEnter(params: ModeParams) {
      initTools(params);
      // the worst-slice hotkeys of the Disagreement panel, next to OHIF's own
      params.servicesManager.services.customizationService?.setCustomizations(
        {
          'ohif.hotkeyBindings': {
            $push: CONCORD_HOTKEYS.filter((h) => /WorstSlice/.test(h.commandName)).map((h) => ({
              ...h,
              isEditable: true,
            })),
          },
        },
        'mode',
      );
      // the session follows the viewports and shows the reference SEG; its code loads now, apart
      void import('@concord/ohif-host/session').then(({ getOhifSession }) =>
        getOhifSession(params.servicesManager as never, params.extensionManager as never),
      );
    },
    onModeExit({ servicesManager }: ModeParams) {
      const { toolGroupService, segmentationService, cornerstoneViewportService } =
        servicesManager.services;
      void import('@concord/ohif-host/session').then(({ endOhifSession }) =>
        endOhifSession(servicesManager as never),
      );
      toolGroupService.destroy();
      segmentationService.destroy();
      cornerstoneViewportService.destroy();
    },
    validationTags: { study: [], series: [] },
    isValidMode,
    routes: [
      {
        path: MODE_ROUTE,
        layoutTemplate: () => ({
          id: OHIF.layout,
          props: {
            // OHIF's right panel fits six tabs: with more, its collapse button covers the
            // first one (the Model tab), so the calibration views sit beside the series list
            leftPanels: [OHIF.seriesList, PANELS.calibration, PANELS.lossInspector],
            leftPanelResizable: true,
            rightPanels: [
              PANELS.model,
              PANELS.metrics,
              PANELS.disagreement,
              PANELS.volumeBias,
              PANELS.export,
              OHIF.segmentationPanel,
            ],
            rightPanelResizable: true,
            viewports: [{ namespace: OHIF.viewport, displaySetsToDisplay: [OHIF.stack] }],
          },
        }),
      },
    ],
    extensions: ohifExtensionDependencies(),
    hangingProtocol: HANGING_PROTOCOL_ID,
    sopClassHandlers: [OHIF.stack],
  };
}

const mode = { id: MODE_ID, modeFactory, extensionDependencies: ohifExtensionDependencies() };
export default mode;
