import packageJson from '../package.json' with { type: 'json' };

/** OHIF extension id, taken from package.json as OHIF's extension template does. */
export const EXTENSION_ID: string = packageJson.name;
