import { defineConfig } from 'vitest/config';

// End-to-end tests: Debian Chromium driven by playwright-core against the real server.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
