import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Root-level tests only (`pnpm test:root` = `vitest run --root .`); each package runs its own
// tests via turbo. Vitest looks for its config file upwards from the package directory, so a
// `vitest run` inside packages/* or tools/* also finds this file: it then gets vitest's defaults
// but for the timeouts. Corpus walks take well under a second alone, but CI's 2 cores may be
// shared, and vitest's 5 s failed them under load; a hang still fails, only later.
const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const runningAtRepoRoot = path.resolve(process.cwd()) === repoRoot;

export default defineConfig(
  runningAtRepoRoot
    ? {
        test: {
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/**/fixtures/**'],
          testTimeout: 30_000,
        },
      }
    : { test: { testTimeout: 30_000, hookTimeout: 60_000 } },
);
