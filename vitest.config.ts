import { defineConfig } from 'vitest/config';
import {
  ohifCoreAlias,
  SOURCE_CLIENT_CONDITIONS,
  SOURCE_SERVER_CONDITIONS,
} from './vitest.shared.ts';

// Unit and integration tests: Node, headless engines, real @ohif/core, real Orthanc.
export default defineConfig({
  resolve: { alias: [ohifCoreAlias], conditions: SOURCE_CLIENT_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_SERVER_CONDITIONS } },
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
    // the CLI the integration tests spawn runs from dist/: built once before the tests
    globalSetup: ['tests/helpers/build-cli.ts'],
  },
});
