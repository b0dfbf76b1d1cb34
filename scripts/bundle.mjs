#!/usr/bin/env node
// Bundles a package's built entry points after `tsc -b`, for the CLI's cold start: Node's ESM
// loader pays for every module it resolves and links, and a command touches ~150 of ours.
// Each entry the package exports (or runs as a bin) from `./dist/bundle/X.js` is bundled from
// tsc's `./dist/X.js`, with shared code split into chunks so that entries of one package share
// one instance. Other packages, @tsvirt ones included, stay external: each package is loaded once,
// and drivers stay plug-ins that the registry imports at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const targets = [
  ...Object.values(pkg.exports ?? {}).map((e) => (typeof e === 'string' ? e : e.default)),
  ...Object.values(pkg.bin ?? {}),
].filter((t) => typeof t === 'string' && t.startsWith('./dist/bundle/'));

if (targets.length === 0) {
  console.error(`bundle: ${pkg.name} exports nothing from ./dist/bundle/`);
  process.exit(1);
}

await build({
  entryPoints: Object.fromEntries(targets.map((t) => [t.slice('./dist/bundle/'.length, -'.js'.length), join(dir, t.replace('/bundle/', '/'))])),
  outdir: join(dir, 'dist/bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
