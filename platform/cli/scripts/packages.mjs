/** The packages built to dist/ (JavaScript + .d.ts), dependencies first. */
export const PACKAGES = ['core', 'metrics', 'inference', 'reports', 'cli'];
