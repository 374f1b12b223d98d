/**
 * The ids this extension offers, for modes to import instead of repeating strings. Only
 * constants: importing this file loads none of the extension's code.
 */
import { EXTENSION_ID } from './id.ts';

export { EXTENSION_ID };

/** Names of the panel module entries. */
export const PANEL_NAMES = {
  model: 'model',
} as const;

/** Panel module entry ids (`<extension id>.panelModule.<name>`), as OHIF modes name them. */
export const PANEL_IDS = {
  model: `${EXTENSION_ID}.panelModule.${PANEL_NAMES.model}`,
} as const;
