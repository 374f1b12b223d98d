import { defineConfig } from 'vitest/config';
import { SOURCE_CLIENT_CONDITIONS, SOURCE_SERVER_CONDITIONS } from './vitest.shared.ts';

// End-to-end tests: Debian Chromium driven by playwright-core against the real server.
export default defineConfig({
  resolve: { conditions: SOURCE_CLIENT_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_SERVER_CONDITIONS } },
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    globalSetup: ['tests/helpers/build-cli.ts'],
  },
});
