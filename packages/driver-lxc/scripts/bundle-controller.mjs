#!/usr/bin/env node
// Bundles the controller (dist/controller/controller-main.js and this package's modules it
// imports) into one file, dist/controller/controller.bundle.js: a container's start waits for the
// controller's Node process to be up, and Node's ESM loader pays for every module it resolves and
// links. Other packages stay external (they ship bundles of their own and resolve their
// dependencies from where they are installed). Where esbuild is not installed (a packed install),
// the unbundled controller is run instead.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/controller/controller-main.js'],
  outfile: 'dist/controller/controller.bundle.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
