/**
 * Install only what you need: the packages as they would be published (`pnpm pack`), installed
 * with plain npm into an empty project outside the workspace, give a working `test:///default`
 * with nothing else, and a clear VirError naming the missing package for `qemu:///system`.
 *
 * Assumes the packages are built (`pnpm build`): it packs their dist/ as it stands and builds
 * nothing itself. npm fetches the third-party dependencies from the registry (its cache first).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['util', 'conf', 'api', 'driver-test'] as const;
type Pkg = (typeof PACKAGES)[number];
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
  for (const pkg of PACKAGES) {
    const dir = path.join(REPO, 'packages', pkg);
    const source = readJson(path.join(dir, 'package.json'));
    const before = new Set(safeReaddir(dest));
    run('pnpm', ['pack', '--pack-destination', dest], dir);
    const made = safeReaddir(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (made.length !== 1) throw new Error(`pnpm pack in packages/${pkg} made ${made.length} tarballs: ${made.join(', ')}`);
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

describe.each(PACKAGES)('packed @tsvirt/%s', (pkg) => {
  const get = () => {
    const p = packed.get(pkg);
    if (!p) throw new Error(`packages/${pkg} was not packed`);
    return p;
  };

  it('ships compiled JavaScript and declarations in dist/', () => {
    const { files, source } = get();
    expect(files.filter((f) => /^dist\/.*\.js$/.test(f)).length).toBeGreaterThan(0);
    expect(files.filter((f) => /^dist\/.*\.d\.ts$/.test(f)).length).toBeGreaterThan(0);
    // The entry points the manifest names are in the tarball.
    for (const entry of [source.main, source.types].filter((e): e is string => typeof e === 'string')) {
      expect(files, `${entry} named by package.json`).toContain(path.posix.normalize(entry));
    }
  });

  it('ships a README.md', () => {
    expect(get().files, `packages/${pkg}/README.md is missing from the tarball`).toContain('README.md');
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
