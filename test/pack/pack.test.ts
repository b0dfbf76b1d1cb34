/**
 * Install only what you need: the packages as they would be published (`pnpm pack`), installed
 * with plain npm into an empty project outside the workspace, give a working `test:///default`
 * with nothing else, and a clear VirError naming the missing package for `qemu:///system`.
 *
 * Assumes the packages are built (`pnpm build`): it packs their dist/ as it stands and builds
 * nothing itself. npm fetches the third-party dependencies from the registry (its cache first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The packages a test:///default user needs, installed alone in the first project. */
const PACKAGES = ['util', 'conf', 'api', 'driver-test'] as const;
/** Every package, packed and checked; all of them make the second project, tsvirsh's. */
const ALL = [...PACKAGES, 'driver-qemu', 'driver-lxc', 'secondary-network', 'secondary-storage', 'secondary-secret', 'remote', 'daemon', 'virsh'] as const;
type Pkg = (typeof ALL)[number];
const DRIVERS: readonly Pkg[] = ['driver-test', 'driver-qemu', 'driver-lxc', 'secondary-network', 'secondary-storage', 'secondary-secret', 'remote'];
const folder = (pkg: Pkg): string => (pkg === 'virsh' ? 'tools/virsh' : `packages/${pkg}`);
const TIMEOUT = 180_000;
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  [field: string]: unknown;
}

interface Packed {
  tarball: string;
  files: string[];
  manifest: PackageJson;
  source: PackageJson;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

/** The environment without what would let the installed project see the workspace. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.LIBVIRT_DEFAULT_URI;
  return env;
}

/** The workspace version of every @tsvirt package, by name. */
function workspaceVersions(): Map<string, string> {
  const versions = new Map<string, string>();
  for (const dir of ['packages', 'tools']) {
    for (const name of readdirSync(path.join(REPO, dir))) {
      try {
        const pj = readJson(path.join(REPO, dir, name, 'package.json'));
        versions.set(pj.name, pj.version);
      } catch {
        // not a package folder
      }
    }
  }
  return versions;
}

let tmp: string;
let project: string;
const packed = new Map<Pkg, Packed>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'tsvirt-pack-'));
  const dest = path.join(tmp, 'tarballs');
  for (const pkg of ALL) {
    const dir = path.join(REPO, folder(pkg));
    const source = readJson(path.join(dir, 'package.json'));
    const before = new Set(safeReaddir(dest));
    run('pnpm', ['pack', '--pack-destination', dest], dir);
    const made = safeReaddir(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (made.length !== 1) throw new Error(`pnpm pack in ${folder(pkg)} made ${made.length} tarballs: ${made.join(', ')}`);
    const tarball = path.join(dest, made[0]!);
    const files = run('tar', ['-tzf', tarball], tmp)
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], tmp)) as PackageJson;
    packed.set(pkg, { tarball, files, manifest, source });
  }
}, TIMEOUT);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe.each(ALL)('packed @tsvirt/%s', (pkg) => {
  const get = () => {
    const p = packed.get(pkg);
    if (!p) throw new Error(`${folder(pkg)} was not packed`);
    return p;
  };

  it('ships compiled JavaScript and declarations in dist/', () => {
    const { files, source } = get();
    expect(files.filter((f) => /^dist\/.*\.c?js$/.test(f)).length).toBeGreaterThan(0);
    if (pkg !== 'virsh') expect(files.filter((f) => /^dist\/.*\.d\.ts$/.test(f)).length).toBeGreaterThan(0);
    // The entry points the manifest names are in the tarball.
    for (const entry of [source.main, source.types].filter((e): e is string => typeof e === 'string')) {
      expect(files, `${entry} named by package.json`).toContain(path.posix.normalize(entry));
    }
  });

  it('ships a README.md and the LGPL-2.1 text its license field names', () => {
    const { files, manifest } = get();
    expect(files, `${folder(pkg)}/README.md is missing from the tarball`).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(manifest['license']).toBe('LGPL-2.1-or-later');
    expect(readFileSync(path.join(REPO, folder(pkg), 'LICENSE'), 'utf8')).toContain('GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 2.1');
  });

  it('says where its repository, home page and issue tracker are', () => {
    const { manifest } = get();
    expect(manifest['repository']).toMatchObject({ type: 'git', directory: folder(pkg) });
    expect(manifest['homepage']).toMatch(/^https:\/\//);
    expect(manifest['bugs']).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
  });

  it('ships bundles or unbundled modules, never both, and no source maps of sources it does not ship', () => {
    const { files, source } = get();
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
    const bundled = String(source.main ?? '').includes('/bundle/') || pkg === 'virsh';
    const looseJS = files.filter((f) => /\.c?js$/.test(f) && !f.startsWith('dist/bundle/') && !f.startsWith('dist/program/'));
    if (bundled) expect(looseJS).toEqual([]);
    else expect(files.filter((f) => f.startsWith('dist/bundle/'))).toEqual([]);
  });

  if (DRIVERS.includes(pkg)) it('peer-depends on api, util and conf, so that one copy of each serves every driver', () => {
    const { manifest } = get();
    expect(Object.keys((manifest['peerDependencies'] ?? {}) as object).sort()).toEqual(['@tsvirt/api', '@tsvirt/conf', '@tsvirt/util']);
    expect(Object.keys((manifest['dependencies'] ?? {}) as object).filter((d) => d.startsWith('@tsvirt/'))).toEqual([]);
  });

  if (pkg === 'util') it('declares @types/node, which its declarations use', () => {
    expect(Object.keys((get().manifest['dependencies'] ?? {}) as object)).toContain('@types/node');
  });

  it('ships package.json with workspace: ranges replaced by real versions', () => {
    const { files, manifest, source } = get();
    expect(files).toContain('package.json');
    expect(manifest.name).toBe(source.name);
    expect(manifest.version).toBe(source.version);
    const versions = workspaceVersions();
    for (const field of DEP_FIELDS) {
      const deps = (manifest[field] ?? {}) as Record<string, string>;
      const original = (source[field] ?? {}) as Record<string, string>;
      expect(Object.keys(deps).sort(), field).toEqual(Object.keys(original).sort());
      for (const [dep, range] of Object.entries(deps)) {
        expect(range, `${field}.${dep}`).not.toMatch(/^workspace:/);
        const declared = original[dep]!;
        if (declared.startsWith('workspace:')) {
          const version = versions.get(dep);
          expect(version, `${dep} is a workspace package`).toBeDefined();
          // workspace:^ -> ^x.y.z, workspace:~ -> ~x.y.z, workspace:* -> x.y.z
          const spec = declared.slice('workspace:'.length);
          const want = spec === '^' || spec === '~' ? `${spec}${version}` : spec === '*' ? version : spec;
          expect(range, `${field}.${dep} (declared ${declared})`).toBe(want);
        } else {
          expect(range, `${field}.${dep}`).toBe(declared);
        }
      }
    }
  });
});

describe('a project with only util, conf, api and driver-test installed', () => {
  interface Outcome {
    testDomains?: string[];
    testError?: string;
    qemu?: { resolved: boolean; isVirError: boolean; code: unknown; message: string; name: string };
    qemuInstalled: boolean;
  }
  let outcome: Outcome;

  beforeAll(() => {
    project = path.join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tsvirt-pack-check', version: '0.0.0', private: true, type: 'module' }, null, 2));
    const tarballs = PACKAGES.map((p) => packed.get(p)?.tarball ?? `packages/${p} was not packed`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], project);

    const script = `
import { connect, VirError } from '@tsvirt/api';
import { createRequire } from 'node:module';
const out = { qemuInstalled: true };
try { createRequire(import.meta.url).resolve('@tsvirt/driver-qemu'); } catch { out.qemuInstalled = false; }
try {
  const c = await connect('test:///default');
  out.testDomains = (await c.listAllDomains()).map((d) => d.getName());
  await c.close();
} catch (e) {
  out.testError = String(e && e.stack || e);
}
try {
  const c = await connect('qemu:///system');
  out.qemu = { resolved: true, isVirError: false, code: undefined, message: '', name: '' };
  await c.close();
} catch (e) {
  out.qemu = { resolved: false, isVirError: e instanceof VirError, code: e && e.code, message: String(e && e.message), name: String(e && e.constructor && e.constructor.name) };
}
process.stdout.write(JSON.stringify(out));
`;
    writeFileSync(path.join(project, 'check.mjs'), script);
    // Run as a user of the project would: without the NODE_PATH that pnpm's bin shims export
    // (it points into the workspace's store, where every driver is), and from outside the
    // project, so the drivers must resolve from where @tsvirt/api is installed.
    const stdout = execFileSync(process.execPath, [path.join(project, 'check.mjs')], { cwd: tmp, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    outcome = JSON.parse(stdout) as Outcome;
  }, TIMEOUT);

  it('has exactly the four @tsvirt packages', () => {
    expect(readdirSync(path.join(project, 'node_modules/@tsvirt')).sort()).toEqual([...PACKAGES].sort());
    expect(outcome.qemuInstalled).toBe(false);
  });

  it("connect('test:///default') lists the domain test", () => {
    expect(outcome.testError).toBeUndefined();
    expect(outcome.testDomains).toEqual(['test']);
  });

  it("connect('qemu:///system') fails with a VirError NO_CONNECT naming @tsvirt/driver-qemu", () => {
    expect(outcome.qemu?.resolved).toBe(false);
    expect(outcome.qemu?.isVirError, `${outcome.qemu?.name}: ${outcome.qemu?.message}`).toBe(true);
    expect(outcome.qemu?.code).toBe(5);
    expect(outcome.qemu?.message).toContain('@tsvirt/driver-qemu');
  });
});

describe('a project with every package installed from its tarball, tsvirsh included', () => {
  let dir: string;

  beforeAll(() => {
    dir = path.join(tmp, 'everything');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tsvirt-pack-all', version: '0.0.0', private: true, type: 'module' }, null, 2));
    const tarballs = ALL.map((p) => packed.get(p)?.tarball ?? `${folder(p)} was not packed`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], dir);
  }, TIMEOUT);

  it('runs tsvirsh from its bin, which prints what it prints in the workspace', () => {
    const script = 'list --all; net-list --all; pool-list --all; dumpxml test --xpath /domain/name; define /nonexistent.xml';
    const args = ['-c', 'test:///default', script];
    const installed = spawnSync(path.join(dir, 'node_modules/.bin/tsvirsh'), args, { cwd: tmp, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    const workspace = spawnSync(process.execPath, [path.join(REPO, 'tools/virsh/dist/program/tsvirsh.cjs'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
    expect(installed.stdout).toContain(' 1    test   running');
    expect(installed.stdout).toContain('<name>test</name>');
    expect([installed.stdout, installed.stderr, installed.status]).toEqual([workspace.stdout, workspace.stderr, workspace.status]);
  });

  it('validates XML with libxml2-wasm found from conf where npm put it', () => {
    const xml = path.join(tmp, 'v.xml');
    writeFileSync(xml, "<domain type='test'><name>v</name><memory>1024</memory><os><type>hvm</type></os></domain>");
    const r = spawnSync(path.join(dir, 'node_modules/.bin/tsvirsh'), ['-c', 'test:///default', `define --validate ${xml}`], { cwd: tmp, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    expect([r.stdout, r.stderr, r.status]).toEqual([`Domain 'v' defined from ${xml}\n\n`, '', 0]);
  });

  it('has one copy of util, conf and api, which every driver uses', () => {
    const script = `
import { createRequire } from 'node:module';
const out = {};
for (const from of ['@tsvirt/api', '@tsvirt/driver-test', '@tsvirt/driver-qemu', '@tsvirt/secondary-storage']) {
  const req = createRequire(createRequire(import.meta.url).resolve(from));
  out[from] = ['@tsvirt/util', '@tsvirt/conf'].map((p) => req.resolve(p));
}
process.stdout.write(JSON.stringify(out));`;
    writeFileSync(path.join(dir, 'copies.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, [path.join(dir, 'copies.mjs')], { cwd: dir, encoding: 'utf8', env: cleanEnv() })) as Record<string, string[]>;
    expect(new Set(Object.values(out).map((paths) => paths.join())).size).toBe(1);
  });
});
