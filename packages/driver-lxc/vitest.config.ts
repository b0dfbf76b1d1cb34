import { defineConfig } from 'vitest/config';

// Real containers: generous timeouts, one file at a time so two cores are not oversubscribed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
