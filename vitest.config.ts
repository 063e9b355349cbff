import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // In CI a JSON report as well, from which .ci/run prints a plain "N passed, N failed" closing line.
    reporters: process.env.QTP_TEST_REPORT ? ['default', ['json', { outputFile: process.env.QTP_TEST_REPORT }]] : ['default'],
  },
});
