import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Root-level tests only (`pnpm test:root` = `vitest run --root .`); each package runs its own
// tests via turbo. Vitest looks for its config file upwards from the package directory, so a
// `vitest run` inside packages/* or tools/* also finds this file: it then gets an empty config
// (vitest's defaults), exactly as if this file did not exist.
const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const runningAtRepoRoot = path.resolve(process.cwd()) === repoRoot;

export default defineConfig(
  runningAtRepoRoot
    ? {
        test: {
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/**/fixtures/**'],
        },
      }
    : {},
);
