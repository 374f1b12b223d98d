/**
 * The model-vs-annotator mode as a runtime mode of stock OHIF (docs/ohif.md): the plugin entry.
 * Only the default export, as OHIF's loaders take it (3.13: the module's default export; 3.14
 * UMD: `window['@concord/mode-model-vs-annotator']`). The mode itself is in mode.ts.
 */
import mode from './mode.ts';

export default mode;
