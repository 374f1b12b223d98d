/**
 * The ids this extension offers, for modes to import instead of repeating strings. Only
 * constants: importing this file loads none of the extension's code.
 */
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };

/** Names of the panel module entries. */
export const PANEL_NAMES = {
  disagreement: 'disagreement',
  volumeBias: 'volumeBias',
  calibration: 'calibration',
  lossInspector: 'lossInspector',
} as const;

/** Panel module entry ids (`<extension id>.panelModule.<name>`), as OHIF modes name them. */
export const PANEL_IDS = {
  disagreement: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.disagreement}`,
  volumeBias: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.volumeBias}`,
  calibration: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.calibration}`,
  lossInspector: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.lossInspector}`,
} as const;

/** Context of the extension's commands in OHIF's CommandsManager. */
export const COMMANDS_CONTEXT = 'DISAGREEMENT';

/** Command names (run without a context, OHIF finds them in `COMMANDS_CONTEXT`). */
export const COMMAND_IDS = {
  /** Moves the viewer to the next worst slice of the structure its Disagreement panel shows. */
  nextWorstSlice: 'nextWorstSlice',
  /** Moves the viewer to the previous worst slice of that structure. */
  previousWorstSlice: 'previousWorstSlice',
} as const;

/** An OHIF hotkey definition: keys bound to a command. */
export interface HotkeyDefinition {
  commandName: string;
  commandOptions?: Record<string, unknown>;
  keys: string[];
  label: string;
}

/** Hotkeys the extension suggests for its commands. */
export const HOTKEYS: Record<keyof typeof COMMAND_IDS, HotkeyDefinition> = {
  nextWorstSlice: {
    commandName: COMMAND_IDS.nextWorstSlice,
    keys: [']'],
    label: 'Next worst slice',
  },
  previousWorstSlice: {
    commandName: COMMAND_IDS.previousWorstSlice,
    keys: ['['],
    label: 'Previous worst slice',
  },
};

/** Overlay sources the extension registers with the host (see getUtilityModule.ts). */
export const OVERLAY_SOURCE_IDS = {
  /** The TP/FP/FN codes of the Disagreement panel. */
  disagreement: 'disagreement',
  /** The uncertainty overlay of the Calibration panel (docs/calibration.md). */
  uncertainty: 'uncertainty',
} as const;
