import { defineConfig } from 'vitest/config';
import { ohifCoreAlias } from './vitest.shared.ts';

// Unit and integration tests: Node, headless engines, real @ohif/core, real Orthanc.
export default defineConfig({
  resolve: { alias: [ohifCoreAlias] },
  test: {
    include: [
      'platform/*/src/**/*.test.ts',
      'extensions/*/src/**/*.test.ts',
      'modes/*/src/**/*.test.ts',
      'tests/integration/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
