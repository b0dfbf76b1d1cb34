import { defineConfig } from 'vitest/config';

// Every test starts daemons (and some QEMU): generous timeouts on a loaded machine, one file at a
// time so the oracle run's daemons and the QEMU guests do not share two cores with each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
