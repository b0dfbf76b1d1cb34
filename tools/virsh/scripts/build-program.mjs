#!/usr/bin/env node
// Builds tsvirsh's program after `tsc -b`: dist/program/program.cjs holds tsvirsh and the packages
// most commands use (api, util, conf, the test driver and their dependencies) as one CommonJS file,
// dist/program/side-NAME.cjs each other driver and what only some commands use (a bundle a
// package), and dist/program/tsvirsh.cjs is the launcher that runs them. Each bundle has V8's code
// cache beside it (`.cache`), recorded while a few commands run. Bundles mean no module resolution
// and one copy of each package; the caches mean no parsing. Modules the program imports
// dynamically (each command's module, each driver) are initialised only when first imported; a
// side bundle is read only when a command first needs its package.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRequire, isBuiltin } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/program');
const { COMMANDS, FILE_URL, FROM_PACKAGE, LAZY_BUILTIN, MAIN_PACKAGE, SIDE_PACKAGE, sideBundleName } = await import(join(root, 'dist/program-protocol.js'));
const { COMMAND_CACHE_OF } = await import(join(root, 'dist/main-cache.js'));

/** Built-ins outside Node's startup snapshot that a command may never touch. */
const LAZY = /^(node:)?(child_process|crypto|dgram|dns|fs\/promises|http|https|module|net|os|perf_hooks|readline|readline\/promises|stream|stream\/promises|string_decoder|timers\/promises|tls|tty|v8|worker_threads|zlib)$/;

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

/**
 * Every other built-in is required by its `node:` name, which is how the launcher tells one (it
 * does not load `node:module` for its isBuiltin).
 */
const nodePrefix = {
  name: 'node-prefix',
  setup(b) {
    b.onResolve({ filter: /^[\w/:]+$/ }, (args) => (isBuiltin(args.path) ? { path: args.path.startsWith('node:') ? args.path : `node:${args.path}`, external: true } : undefined));
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

/**
 * The packages of the side bundles: each driver but the test driver (`src/drivers.ts` imports them
 * by name), and the DOM that only `--xpath` uses.
 */
const SIDE = ['@tsvirt/driver-qemu', '@tsvirt/driver-lxc', '@tsvirt/secondary-network', '@tsvirt/secondary-storage',
  '@tsvirt/secondary-secret', '@tsvirt/remote', '@xmldom/xmldom'];
/**
 * Side bundles of entries of the main bundle's packages: conf's state files (`@tsvirt/conf/state`,
 * with valibot), which only the drivers that keep state use. They take the rest of their package
 * from the main bundle (its files, see `fromMain`), so they are built after it is known.
 */
const SIDE_ENTRIES = ['@tsvirt/conf/state'];
const ALL_SIDES = [...SIDE, ...SIDE_ENTRIES];
/** Packages the side bundles take from the main one, so that each exists once (the side entries excepted). */
const SHARED = /^@tsvirt\/(api|conf|util)(\/.*)?$/;
/** Exactly the packages of `specs`. */
const exactly = (specs) => new RegExp(`^(${specs.map((s) => s.replace(/[/.-]/g, '\\$&')).join('|')})$`);

/** A side bundle's entry: a loader per package it serves to the main one (`BundleExports`). */
const sideEntry = (specs, path = (spec) => spec) => ({
  contents: `exports.modules = {${specs.map((s) => `${JSON.stringify(s)}: () => require(${JSON.stringify(path(s))})`).join(',')}};`,
  resolveDir: root,
  sourcefile: 'side-entry.cjs',
  loader: 'js',
});

/**
 * What the side bundles take from each package of the main one: the names its files import
 * (`import { VirError } from "@tsvirt/util"`). A namespace or default import would need the
 * package's whole namespace, which the main bundle does not make: the build stops instead.
 */
function namesUsed(files) {
  const used = new Map();
  const add = (spec, list) => {
    const names = used.get(spec) ?? new Set();
    used.set(spec, names);
    for (const item of list.split(',').map((x) => x.trim()).filter(Boolean)) names.add(item.split(/\s+as\s+/)[0]);
  };
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    for (const [, list, spec] of code.matchAll(/\b(?:import|export)\s*\{([^}]*)\}\s*from\s*["'](@tsvirt\/(?:api|conf|util)(?:\/[^"']*)?|\.\.?\/[^"']+)["']/g)) {
      // A side entry comes from its own bundle; a file by its path, as `fromMain` names it.
      if (spec.startsWith('.')) add(relative(root, join(dirname(file), spec)), list);
      else if (!SIDE_ENTRIES.includes(spec)) add(spec, list);
    }
    const whole = /\b(?:import\s+(?:\*\s*as\s+)?[\w$]+(?:\s*,\s*\{[^}]*\})?|export\s*\*(?:\s*as\s+[\w$]+)?)\s*from\s*["'](@tsvirt\/(?:api|conf|util)(?:\/[^"']*)?)["']/.exec(code);
    if (whole) throw new Error(`${file} imports ${whole[1]} whole: import names from it instead`);
  }
  return used;
}

/** The packages tsvirsh itself initialises at every start; the side bundles' others are not. */
const AT_START = new Set(['@tsvirt/api', '@tsvirt/conf', '@tsvirt/util']);
/** Their bundles' own files (conf's chunks), which a side entry of theirs takes from the main bundle. */
const AT_START_FILE = /^\.\.\/\.\.\/packages\/(api|conf|util)\/dist\/bundle\/[^/]+\.js$/;

/**
 * The main bundle's entry: tsvirsh, and a loader per package the side bundles take from it, which
 * gives the names it uses. Only those: a namespace object would be built at every start, with a
 * getter for each of the packages' hundreds of exports. A package no start needs (`@tsvirt/conf/
 * state`, `@tsvirt/util/keycodes`) is required by its loader instead, so that it is initialised
 * only when a side bundle first asks for it.
 */
function mainEntry(used, ownFiles = []) {
  const imports = [];
  const loaders = [];
  // Packages by name, and the files of the main bundle that later side bundles take (`fromMain`) by path.
  const specs = [...[...used].filter(([spec]) => !spec.startsWith('.') && !spec.startsWith('packages/') && !spec.startsWith('dist/')),
    ...ownFiles.map((f) => [f, used.get(f)])];
  specs.forEach(([spec, names], i) => {
    const file = ownFiles.includes(spec);
    const from = JSON.stringify(file ? join(root, spec) : spec);
    if (!(file ? AT_START_FILE.test(spec) : AT_START.has(spec)) || names === undefined) {
      loaders.push(`${JSON.stringify(spec)}: () => require(${from})`);
      return;
    }
    const list = [...names].sort();
    imports.push(`import { ${list.map((n, j) => `${n} as m${i}_${j}`).join(', ')} } from ${from};`);
    loaders.push(`${JSON.stringify(spec)}: () => ({ ${list.map((n, j) => `${n}: m${i}_${j}`).join(', ')} })`);
  });
  return {
    contents: `${imports.join('\n')}\nimport ${JSON.stringify(join(root, 'dist/cli.js'))};\nexport const modules = {${loaders.join(',')}};\n`,
    resolveDir: root,
    sourcefile: 'main-entry.js',
    loader: 'js',
  };
}

/**
 * Modules that a module initialised at every start imports only for functions it may call later:
 * `@tsvirt/util/keycodes` (a 23 KB table that driver-test's send-key imports). Their importers
 * get a stand-in whose functions load the module when first called; a name that is not a function
 * has no stand-in, so importing one fails the build. A `require` still gets the module itself.
 */
const ON_FIRST_CALL = /^@tsvirt\/util\/keycodes$/;
const standIns = {
  name: 'stand-ins',
  setup(b) {
    b.onResolve({ filter: ON_FIRST_CALL }, (args) =>
      args.kind === 'import-statement' && args.namespace !== 'on-first-call' ? { path: args.path, namespace: 'on-first-call' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'on-first-call' }, async (args) => {
      const module = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve(args.path)).href);
      const functions = Object.keys(module).filter((name) => typeof module[name] === 'function');
      const load = `let m;\nconst load = () => (m ??= require(${JSON.stringify(args.path)}));\n`;
      return { contents: load + functions.map((f) => `export function ${f}(...a) { return load().${f}(...a); }\n`).join(''), resolveDir: root, loader: 'js' };
    });
  },
};

/** Marks a resolution that `across` leaves alone. */
const OWN = Symbol('own');
/** Resolves a side bundle's own packages as usual, before `across` would send them to another bundle. */
const own = (name) => ({
  name: 'own',
  setup(b) {
    b.onResolve({ filter: /^[@\w]/ }, (args) => {
      if (args.pluginData === OWN || !ALL_SIDES.includes(args.path) || sideBundleName(args.path) !== name) return undefined;
      return b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: OWN });
    });
  },
});

/** Makes the packages `filter` matches external under `prefix` (the launcher's), noting each one used. */
const across = (prefix, filter, used) => ({
  name: 'across',
  setup(b) {
    b.onResolve({ filter }, (args) => {
      if (args.pluginData === OWN) return undefined;
      used.add(args.path);
      return { path: `${prefix}${args.path}`, external: true };
    });
  },
});

/**
 * The command modules the main bundle keeps: the commands most runs use (the listings and lookups,
 * domain XML, the lifecycle, disk and interface hotplug) and `help`. The others are in their own side
 * bundle (`side-commands`), so that a start does not deserialise their functions: 78 modules were
 * about 8M of the 144M instructions of a cold `list --all`.
 */
const KEPT = new Set(['domain-monitor/domain-list', 'domain-monitor/domain-info', 'domain/domain-xml', 'domain/domain-lifecycle',
  'domain/domain-devices', 'host/host', 'interface/interface', 'network/network-list', 'pool/pool-list', 'volume/volume-info',
  'virsh/virsh-itself', 'virsh/help']);
const tableFile = join(root, 'dist/commands/table.js');
const moduleOf = (path) => relative(join(root, 'dist/commands'), path).replace(/\.js$/, '');
/** The command modules of the commands' side bundle, as the command table names them. */
const ASIDE = [...readFileSync(tableFile, 'utf8').matchAll(/import\('\.\/([^']+)\.js'\)/g)].map(([, m]) => m).filter((m) => !KEPT.has(m));
const commandSpec = (module) => `${COMMANDS}${module}`;

/** The command table's imports of the modules set aside: from the commands' side bundle. */
const commandsAside = {
  name: 'commands-aside',
  setup(b) {
    b.onResolve({ filter: /^\.\/.*\.js$/ }, (args) => {
      if (args.importer !== tableFile || args.kind !== 'dynamic-import') return undefined;
      const module = moduleOf(join(dirname(args.importer), args.path));
      return KEPT.has(module) ? undefined : { path: `${SIDE_PACKAGE}${commandSpec(module)}`, external: true };
    });
  },
};

/** tsvirsh's own files that the main bundle holds: the commands' side bundle takes them from it, noting each. */
const fromMain = (files, used) => ({
  name: 'from-main',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = join(args.resolveDir, args.path);
      if (!files.has(path)) return undefined;
      const file = relative(root, path);
      used.add(file);
      return { path: `${MAIN_PACKAGE}${file}`, external: true };
    });
  },
});

rmSync(out, { recursive: true, force: true });
const common = {
  bundle: true, format: 'cjs', platform: 'node', target: 'node20', outdir: out, outExtension: { '.js': '.cjs' }, logLevel: 'warning',
  absWorkingDir: root,
  // Every import() becomes a require() of the launcher's: V8 drops the dynamic-import hook of a
  // script compiled from a code cache (Node 20), and bundled modules are initialised in place.
  supported: { 'dynamic-import': false },
  // A smaller file and cache are read and deserialised faster: minified whitespace, syntax and
  // local names (1.3 MB to 1.0 MB, about 2 ms of CPU per cold start). Nothing takes a name from a
  // class or function: errors set theirs (VirError, VshError).
  minify: true,
  legalComments: 'none',
};
// libxml2-wasm awaits at its top level, which a CommonJS bundle cannot hold: it stays outside.
const plugins = [lazyBuiltins, nodePrefix, outside, fileURLs];
// The side bundles share nothing but api, conf and util, which the main bundle holds; a package of
// another side bundle comes from that one (checked before the main bundle's packages).
const sideFiles = [];
const sideUsed = new Set();
const sideBuild = async (name, entry, extra = []) => {
  const side = await build({
    ...common,
    stdin: entry,
    entryNames: name,
    metafile: true,
    plugins: [own(name), across(SIDE_PACKAGE, exactly(ALL_SIDES), sideUsed), across(MAIN_PACKAGE, SHARED, new Set()), ...extra, ...plugins],
  });
  // Paths relative to esbuild's working directory (the package); the entry itself is no file.
  sideFiles.push(...Object.keys(side.metafile.inputs).filter((f) => f !== 'side-entry.cjs' && !f.includes(':')).map((f) => join(root, f)));
};
for (const spec of SIDE) await sideBuild(sideBundleName(spec), sideEntry([spec]));
const mainBuild = (entry, write = true) => build({
  ...common,
  stdin: entry,
  entryNames: 'program',
  write,
  metafile: !write,
  plugins: [across(SIDE_PACKAGE, exactly(ALL_SIDES), sideUsed), commandsAside, standIns, ...plugins],
});
// What the main bundle holds, so that the later side bundles take those files from it.
const mainFiles = new Set(Object.keys((await mainBuild(mainEntry(namesUsed(sideFiles)), false)).metafile.inputs).map((f) => join(root, f)));
const ownUsed = new Set();
for (const spec of SIDE_ENTRIES) await sideBuild(sideBundleName(spec), sideEntry([spec]), [fromMain(mainFiles, ownUsed)]);
await sideBuild(sideBundleName(COMMANDS), sideEntry(ASIDE.map(commandSpec), (spec) => `./dist/commands/${spec.slice(COMMANDS.length)}.js`), [fromMain(mainFiles, ownUsed)]);
await mainBuild(mainEntry(namesUsed(sideFiles), [...ownUsed].sort()));
if (sideUsed.size !== ALL_SIDES.length) throw new Error(`the side bundles hold packages the program does not use: ${ALL_SIDES.filter((s) => !sideUsed.has(s))}`);
// The launcher reads the bundles as latin1, a plain copy, which is only right for ASCII.
const SIDE_BUNDLES = [...ALL_SIDES, COMMANDS].map(sideBundleName);
for (const name of ['program', ...SIDE_BUNDLES].map((n) => `${n}.cjs`)) {
  if (/[^\x00-\x7f]/.test(readFileSync(join(out, name), 'latin1'))) throw new Error(`${name} is not ASCII`);
}
// The launcher keeps its import(): it loads what the bundles leave outside as ES modules.
await build({ ...common, supported: {}, entryPoints: { tsvirsh: join(root, 'dist/launcher.js') }, define: { 'import.meta.dirname': '__dirname' } });

// The entry of earlier builds, which other packages' tests and the benchmarks still run.
mkdirSync(join(root, 'dist/bundle'), { recursive: true });
writeFileSync(join(root, 'dist/bundle/cli.js'), "import '../program/tsvirsh.cjs';\n");

// The commands whose code the main bundle's general test cache (`program.cache`) holds compiled:
// the start-up path, the common listings and a define (test:///default's own domain is prebuilt,
// so only a define parses a whole domain).
const WARM_UP = (xml) => `list --all; dominfo test; domstate test; dumpxml test; define ${xml}; undefine warm-up; net-list --all; pool-list --all; vol-list default-pool; iface-list; version`;
/**
 * What each command group's cache (`program-GROUP.cache`, src/main-cache.ts) is recorded on: its
 * commands alone, so that their starts deserialise nothing the others run (about 5M instructions
 * of a cold `list --all`, `dominfo`, `dumpxml` or `define`).
 */
const GROUP_WARM_UP = {
  list: () => 'list --all',
  info: () => 'dominfo test; domstate test; domid test; domname 1; domuuid test',
  dumpxml: () => 'dumpxml test',
  define: (xml) => `define ${xml}`,
};
const groups = new Set(Object.values(COMMAND_CACHE_OF));
if (groups.size !== Object.keys(GROUP_WARM_UP).length || ![...groups].every((g) => g in GROUP_WARM_UP)) {
  throw new Error(`the command caches ${[...groups]} need a warm-up each`);
}
const WARM_UP_DOMAIN = "<domain type='test'><name>warm-up</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/guest/warm-up'/><target dev='vda' bus='virtio'/></disk><interface type='network'><source network='default'/></interface></devices></domain>";
/** Runs `./tsvirsh -q -c URI COMMANDS` from the program just built. */
const tsvirshRun = (uri, commands, env = {}) =>
  spawnSync(process.execPath, [join(out, 'tsvirsh.cjs'), '-q', '-c', uri, commands], { env: { ...process.env, ...env }, encoding: 'utf8' });
/** Records the caches of `record` (bundle or cache names) while tsvirsh runs `commands` on `uri`. */
function recordCaches(record, uri, commands) {
  const r = tsvirshRun(uri, commands, { TSVIRSH_RECORD_CODE_CACHE: record.join(',') });
  if (r.status !== 0 || r.stderr) throw new Error(`recording the code caches ${record}: tsvirsh exited with ${r.status}: ${r.stderr}`);
}

/**
 * The QEMU caches: the main bundle's second cache (`program-qemu.cache`, which the launcher loads
 * for `qemu:///` URIs) and the side bundles', recorded in one process that runs the QEMU commands
 * of issue 15 on a domain of a fresh embedded root: start, then `connect` (the root opened again
 * while the domain runs, as every later command opens it), the listing, dominfo, domstate,
 * dumpxml, attach-disk and detach-disk of a SCSI disk, destroy. Without them each of those
 * commands compiled its driver-qemu, conf and api functions on first call (callgrind: a start
 * 315M instructions, 277M with them). That needs a real QEMU (TCG); without one the build says so,
 * the side bundles' caches hold the listing of an empty root, which runs no QEMU, and the QEMU
 * path's main cache is the test driver's.
 */
const QEMU = '/usr/bin/qemu-system-x86_64';
const QEMU_RECORDED = ['program-qemu', ...SIDE_BUNDLES];
const DOMAIN = 'tsvirsh-build';
const DOMAIN_XML = `<domain type='qemu'><name>${DOMAIN}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'/>
<memballoon model='none'/></devices></domain>`;
/** Records the QEMU caches on a real QEMU; the reason why not if it cannot. */
function recordOnQemu(work) {
  if (spawnSync(QEMU, ['--version']).status !== 0) return `${QEMU} does not run`;
  const uri = `qemu:///embed?root=${join(work, 'root')}`;
  const [xml, disk] = [join(work, 'domain.xml'), join(work, 'disk.img')];
  writeFileSync(xml, DOMAIN_XML);
  writeFileSync(disk, Buffer.alloc(1 << 20));
  const define = tsvirshRun(uri, `define ${xml}`);
  if (define.status !== 0) return `define: ${define.stderr.trim()}`;
  const commands = [`start ${DOMAIN}`, `connect ${uri}`, 'list', `dominfo ${DOMAIN}`, `domstate ${DOMAIN}`, `dumpxml ${DOMAIN}`,
    `attach-disk ${DOMAIN} ${disk} sdb --targetbus scsi --live`, `detach-disk ${DOMAIN} sdb --live`, `destroy ${DOMAIN}`];
  try {
    recordCaches(QEMU_RECORDED, uri, commands.join('; '));
    return undefined;
  } catch (e) {
    // A domain the failed run left running.
    tsvirshRun(uri, `destroy ${DOMAIN}`);
    return e.message.trim();
  }
}
const work = mkdtempSync(join(tmpdir(), 'tsvirsh-build-'));
try {
  writeFileSync(join(work, 'warm-up.xml'), WARM_UP_DOMAIN);
  recordCaches(['program'], 'test:///default', WARM_UP(join(work, 'warm-up.xml')));
  for (const [group, warmUp] of Object.entries(GROUP_WARM_UP)) recordCaches([`program-${group}`], 'test:///default', warmUp(join(work, 'warm-up.xml')));
  const notRecorded = recordOnQemu(work);
  if (notRecorded !== undefined) {
    console.warn(`build-program: the QEMU code caches are recorded without QEMU (${notRecorded})`);
    copyFileSync(join(out, 'program.cache'), join(out, 'program-qemu.cache'));
    // A recording adds to the cache it loaded: what a failed run wrote goes first.
    for (const name of SIDE_BUNDLES) rmSync(join(out, `${name}.cache`), { force: true });
    recordCaches(SIDE_BUNDLES, `qemu:///embed?root=${join(work, 'empty')}`, 'list --all');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
