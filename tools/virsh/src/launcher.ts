#!/usr/bin/env node
/**
 * tsvirsh's entry point. It runs the program's main bundle (`program.cjs`: tsvirsh, api, util,
 * conf, the test driver, in one file) from the V8 code cache recorded when it was built, so that a
 * run neither resolves modules nor parses JavaScript: Node 20 has no compile cache of its own. The
 * other drivers are in side bundles, one a package (`side-driver-qemu.cjs`, each with its own
 * cache), each read only when a command needs its package, so that a start reads and deserialises
 * only what it uses.
 * Built as CommonJS beside the bundles by scripts/build-program.mjs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { FILE_URL, FROM_PACKAGE, LAZY_BUILTIN, MAIN_PACKAGE, SIDE_PACKAGE, sideBundleName, type BundleExports } from './program-protocol.js';
import { mainCacheName } from './main-cache.js';

/**
 * The launcher's own `require` (it is built as CommonJS beside the bundles, so it resolves as one of
 * them would). Not `node:module`'s createRequire: loading that module loads Node's ES module loader
 * and source maps, about 1M instructions of every start.
 */
const baseRequire: NodeJS.Require = require;

/**
 * The code caches this run records at exit (the build sets it): one of the main bundle's
 * (`program`, `program-qemu`, `program-list`…, see src/main-cache.ts), which the run then loads
 * whatever its command; a side bundle (`side-remote`) is also loaded with all its packages, to
 * compile their start.
 */
const recording = new Set((process.env['TSVIRSH_RECORD_CODE_CACHE'] ?? '').split(','));

/** A built-in module that is loaded when one of its members is first used. */
function lazyBuiltin(name: string): object {
  let mod: object | undefined;
  const load = (): object => (mod ??= baseRequire(name) as object);
  return new Proxy({}, {
    get: (_, key) => Reflect.get(load(), key),
    has: (_, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), key);
      return d && { ...d, configurable: true };
    },
  });
}

const builtins = new Map<string, unknown>();

/**
 * A built-in module, required once: Node's `require` of a built-in syncs its ES module facade on
 * every call (about 34K instructions), and the bundles require the same four 31 times at start.
 */
function builtin(id: string): unknown {
  let mod = builtins.get(id);
  if (mod === undefined) builtins.set(id, mod = baseRequire(id));
  return mod;
}

const roots = new Map<string, string>();

/** The name in the package.json of a folder, if it has one. */
function nameAt(dir: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/**
 * The folder a bundled package is installed in: where it was beside the program when built
 * (`hint`, relative to the program), or beside tsvirsh in a flat node_modules, else as Node
 * resolves it from tsvirsh.
 */
function packageRoot(name: string, hint?: string): string {
  let root = roots.get(name);
  if (root === undefined) {
    const guesses = [hint, join('..', '..', '..', name.split('/').at(-1)!)].filter((g) => g !== undefined);
    root = guesses.map((g) => join(import.meta.dirname, g)).find((dir) => nameAt(dir) === name);
    if (root === undefined) {
      root = dirname(baseRequire.resolve(name));
      while (nameAt(root) !== name && dirname(root) !== root) root = dirname(root);
    }
    roots.set(name, root);
  }
  return root;
}

/** A bundled file's `import.meta.url`: its URL where its package is installed. */
function fileURL(name: string, rel: string, hint: string): string {
  return pathToFileURL(join(packageRoot(name, hint), rel)).href;
}

/** A promise-like that the bundle's `import()` adopts: the module imported as an ES module. */
const importing = (url: string): PromiseLike<unknown> => ({ then: (resolve, reject) => import(url).then(resolve, reject) });

/**
 * The program's `require`. Built-ins come as they are, or as stand-ins for the rarely used ones.
 * Everything else the bundle holds, so any other id comes from one of its dynamic imports, which
 * the bundle turns into `require()` (V8 drops the dynamic-import hook of a script compiled from a
 * code cache): a package outside it, a file URL, or a dependency of a bundled package.
 */
function programRequire(id: string): unknown {
  if (id.startsWith(LAZY_BUILTIN)) return lazyBuiltin(id.slice(LAZY_BUILTIN.length));
  // The build names every built-in with its `node:` prefix.
  if (id.startsWith('node:')) return builtin(id);
  if (id.startsWith(SIDE_PACKAGE)) return load(side(sideBundleName(id.slice(SIDE_PACKAGE.length))), id.slice(SIDE_PACKAGE.length));
  if (id.startsWith(MAIN_PACKAGE)) return load(main, id.slice(MAIN_PACKAGE.length));
  if (id.startsWith(FROM_PACKAGE)) {
    const [, owner, spec] = /^(@[^/:]+\/[^:]+|[^:]+):(.*)$/.exec(id.slice(FROM_PACKAGE.length)) ?? [];
    const { createRequire } = baseRequire('node:module') as typeof import('node:module');
    return importing(pathToFileURL(createRequire(join(packageRoot(owner!), 'package.json')).resolve(spec!)).href);
  }
  return importing(id);
}
programRequire.resolve = baseRequire.resolve;

/** A package one bundle serves to the other. */
function load(bundle: { exports: unknown }, spec: string): unknown {
  const loader = (bundle.exports as BundleExports).modules[spec];
  if (!loader) throw new Error(`tsvirsh: ${spec} is not in the program`);
  return loader();
}

/** Runs a bundle (`NAME.cjs`) from its code cache (`CACHE.cache`), filling in its module object. */
function run(name: string, mod: { exports: unknown }, cache: string = name): { exports: unknown } {
  const file = join(import.meta.dirname, `${name}.cjs`);
  const cacheFile = join(import.meta.dirname, `${cache}.cache`);
  // The build writes the bundles in ASCII (esbuild escapes the rest), which latin1 decodes as a plain copy.
  const source = readFileSync(file, 'latin1');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache (a build without one, or it was removed): V8 compiles the source as usual
  }
  // A cache made by another Node version is refused by V8 (cachedDataRejected) and ignored.
  const wrapper = `(function (exports, require, module, __filename, __dirname, ${FILE_URL}) {${source}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData });
  if (recording.has(cache)) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  (script.runInThisContext() as (...args: unknown[]) => void)(mod.exports, programRequire, mod, file, import.meta.dirname, fileURL);
  return mod;
}

// The main bundle's module object exists before it runs: a side bundle may ask it for packages
// while the main one still initialises.
const main = { exports: {} };
const sideBundles = new Map<string, { exports: unknown }>();

/** A side bundle, run the first time one of its packages is asked for. */
function side(name: string): { exports: unknown } {
  let bundle = sideBundles.get(name);
  if (!bundle) sideBundles.set(name, bundle = run(name, { exports: {} }));
  return bundle;
}

// A build that records one of the main caches names it; any other run picks the one for its command.
const mainCache = [...recording].find((name) => name === 'program' || name.startsWith('program-')) ?? mainCacheName(process.argv.slice(2), process.env);
run('program', main, mainCache);
for (const name of recording) {
  if (name.startsWith('side-')) for (const spec of Object.keys((side(name).exports as BundleExports).modules)) load(side(name), spec);
}
