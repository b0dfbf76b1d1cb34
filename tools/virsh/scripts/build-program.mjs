#!/usr/bin/env node
// Builds tsvirsh's program after `tsc -b`: dist/program/program.cjs holds tsvirsh and every
// package it uses (api, util, conf, the drivers and their dependencies) as one CommonJS file,
// dist/program/tsvirsh.cjs is the launcher that runs it, and dist/program/program.cache is
// V8's code cache of it, recorded while a few commands run. One file means no module resolution
// and one copy of each package; the cache means no parsing. Modules the program imports
// dynamically (each command's module, each driver) are initialised only when first imported.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/program');
const { FILE_URL, FROM_PACKAGE, LAZY_BUILTIN } = await import(join(root, 'dist/program-protocol.js'));

/** Built-ins outside Node's startup snapshot that a command may never touch. */
const LAZY = /^(node:)?(child_process|crypto|dgram|dns|fs\/promises|http|https|net|os|perf_hooks|readline|readline\/promises|stream|stream\/promises|string_decoder|tls|tty|v8|worker_threads|zlib)$/;

/** Requires those built-ins under the launcher's prefix (see src/program-protocol.ts). */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY }, (args) => ({ path: `${LAZY_BUILTIN}node:${args.path.replace(/^node:/, '')}`, external: true }));
  },
};

/** The package a file belongs to and its path inside it. */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (name) return { name, rel: relative(dir, file), dir };
    } catch {
      // no package.json here: look further up
    }
  }
  throw new Error(`${file} belongs to no package`);
}

/**
 * A package required from beside its user at run time (conf's `createRequire(import.meta.url)(
 * 'fast-xml-parser')`, which keeps it out of conf's own bundle) is required plainly here, so that
 * the program holds it: no resolution, file read or compilation outside the code cache per start.
 */
const REQUIRED_AT_RUN_TIME = /\bcreateRequire\d*\(import\.meta\.url\)\((['"]fast-xml-parser['"])\)/g;

/**
 * `import.meta.url` of a bundled file becomes its URL where its package is installed, which the
 * launcher finds from the program's location: conf finds its schemas and libxml2-wasm, and
 * fast-xml-parser resolves from conf, in any layout of node_modules.
 */
const fileURLs = {
  name: 'file-urls',
  setup(b) {
    b.onLoad({ filter: /\.m?js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8').replace(REQUIRED_AT_RUN_TIME, 'require($1)');
      if (!text.includes('import.meta.url')) return undefined;
      const { name, rel, dir } = packageOf(args.path);
      // Where the package is from the program in this checkout: the launcher tries it before
      // resolving the package (which costs Node's exports resolution on every start).
      const hint = relative(out, dir);
      const call = `${FILE_URL}(${JSON.stringify(name)}, ${JSON.stringify(rel)}, ${JSON.stringify(hint)})`;
      return { contents: text.replaceAll('import.meta.url', call), loader: 'js' };
    });
  },
};

/** Packages left outside the bundle, imported from where the package that uses them is installed. */
const OUTSIDE = /^libxml2-wasm(\/.*)?$/;
const outside = {
  name: 'outside',
  setup(b) {
    b.onResolve({ filter: OUTSIDE }, (args) => ({ path: `${FROM_PACKAGE}${packageOf(args.importer).name}:${args.path}`, external: true }));
  },
};

rmSync(out, { recursive: true, force: true });
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', outdir: out, outExtension: { '.js': '.cjs' }, logLevel: 'warning' };
await build({
  ...common,
  entryPoints: { program: join(root, 'dist/cli.js') },
  // Every import() becomes a require() of the launcher's: V8 drops the dynamic-import hook of a
  // script compiled from a code cache (Node 20), and bundled modules are initialised in place.
  supported: { 'dynamic-import': false },
  // libxml2-wasm awaits at its top level, which a CommonJS bundle cannot hold: it stays outside.
  plugins: [lazyBuiltins, outside, fileURLs],
  // A smaller file is read and hashed (V8 checks the cache against the source) faster; names stay.
  minifyWhitespace: true,
  legalComments: 'none',
});
// The launcher reads the bundle as latin1, a plain copy, which is only right for ASCII.
if (/[^\x00-\x7f]/.test(readFileSync(join(out, 'program.cjs'), 'latin1'))) throw new Error('program.cjs is not ASCII');
await build({ ...common, entryPoints: { tsvirsh: join(root, 'dist/launcher.js') }, define: { 'import.meta.dirname': '__dirname' } });

// The entry of earlier builds, which other packages' tests and the benchmarks still run.
mkdirSync(join(root, 'dist/bundle'), { recursive: true });
writeFileSync(join(root, 'dist/bundle/cli.js'), "import '../program/tsvirsh.cjs';\n");

// The commands whose code the cache holds compiled: the start-up path and the common listings.
const WARM_UP = 'list --all; dominfo test; domstate test; dumpxml test; net-list --all; pool-list --all; vol-list default-pool; iface-list; version';
const r = spawnSync(process.execPath, [join(out, 'tsvirsh.cjs'), '-q', '-c', 'test:///default', WARM_UP], {
  env: { ...process.env, TSVIRSH_RECORD_CODE_CACHE: '1' }, encoding: 'utf8',
});
if (r.status !== 0 || r.stderr) throw new Error(`recording the code cache: tsvirsh exited with ${r.status}: ${r.stderr}`);
