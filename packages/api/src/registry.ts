import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { ConnectionDriver, DriverModule } from './driver/connection-driver.js';
import type { DriverKind } from './driver/driver-kinds.js';
import { discoverDrivers } from './discovery.js';

/** Which package provides each URI scheme's hypervisor driver, and which secondary drivers join it. */
export interface DriverEntry {
  readonly package: string;
  /** Network and storage drivers attached to the connection when installed (libvirt's secondary drivers). */
  readonly secondary: readonly string[];
}

const LOCAL_SECONDARY = ['@tsvirt/secondary-network', '@tsvirt/secondary-storage', '@tsvirt/secondary-secret'];

/**
 * The registry is data: a URI scheme maps to the package that implements it. Nothing here imports
 * a driver; a package is loaded with `import()` only when a connection needs it. Other packages
 * add schemes with registerDriver or by declaring them in their package.json (discoverDrivers).
 */
export const DRIVER_REGISTRY: Readonly<Record<string, DriverEntry>> = {
  test: { package: '@tsvirt/driver-test', secondary: [] },
  qemu: { package: '@tsvirt/driver-qemu', secondary: LOCAL_SECONDARY },
  lxc: { package: '@tsvirt/driver-lxc', secondary: LOCAL_SECONDARY },
};

/** The kinds of table each known secondary package provides: named in the error when it is missing. */
export const SECONDARY_PROVIDES: Readonly<Record<string, readonly DriverKind[]>> = {
  '@tsvirt/secondary-network': ['network'],
  '@tsvirt/secondary-storage': ['storage'],
  '@tsvirt/secondary-secret': ['secret'],
};

/**
 * The package that answers every URI with a transport (`qemu+ssh://`, `test+unix:///`, `+tcp`,
 * `+tls`, `+ext`, `+libssh2`) and remote hosts of local-only drivers: libvirt's remote driver.
 */
export const REMOTE_PACKAGE = '@tsvirt/remote';

const registered = new Map<string, DriverEntry>();

/**
 * Adds (or replaces) the package that answers `scheme`: a third party's driver plugs in without
 * editing @tsvirt/api. The package's `driver` must list the scheme in its `schemes`.
 */
export function registerDriver(scheme: string, specifier: string, secondary: readonly string[] = []): void {
  if (!/^[a-z][a-z0-9.-]*$/i.test(scheme) || scheme.includes('+')) {
    throw new VirError(ErrorCode.INVALID_ARG, `invalid URI scheme '${scheme}'`, ErrorDomain.NONE);
  }
  registered.set(scheme.toLowerCase(), { package: specifier, secondary });
}

/** Loads a driver package and registers it for every scheme its `driver.schemes` lists; answers them. */
export async function registerDriverPackage(specifier: string, secondary: readonly string[] = []): Promise<readonly string[]> {
  const driver = await findDriver(specifier);
  if (!driver) throw new VirError(ErrorCode.NO_CONNECT, `the package ${specifier} is not installed`, ErrorDomain.NONE);
  for (const scheme of driver.schemes) registerDriver(scheme, specifier, secondary);
  return driver.schemes;
}

/** The entry for a scheme: registered ones first, then the built-in table, then installed packages' metadata. */
export function driverEntry(scheme: string): DriverEntry | undefined {
  const key = scheme.toLowerCase();
  return registered.get(key) ?? (Object.hasOwn(DRIVER_REGISTRY, key) ? DRIVER_REGISTRY[key] : undefined) ?? discoverDrivers().get(key);
}

/** Loads a module by specifier; returns undefined when the package is not installed. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importers: ModuleImporter[] = [];

/**
 * Adds a place to load driver packages from. An application whose dependencies are isolated
 * (pnpm) passes `(s) => import(s)` from its own code, so drivers resolve from where it installed them.
 */
export function addDriverImporter(importer: ModuleImporter): void {
  if (!importers.includes(importer)) importers.unshift(importer);
}

function isNotFound(e: unknown, specifier: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && String(err.message).includes(specifier);
}

/** The package a specifier names: `@scope/name` or `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Whether an ESM import from `dir` could find the package: in a `node_modules` folder of `dir` or
 * an ancestor, or as the package `dir` belongs to (self-reference). CommonJS resolution alone would
 * also search NODE_PATH, which tool shims (pnpm's) point at every package of the store.
 */
function reachableFrom(dir: string, name: string): boolean {
  let ownPackageSeen = false;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', name, 'package.json'))) return true;
    const pkg = join(d, 'package.json');
    if (!ownPackageSeen && existsSync(pkg)) {
      ownPackageSeen = true;
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === name) return true;
      } catch {
        // not a readable package.json: no self-reference
      }
    }
    if (dirname(d) === d) return false;
  }
}

/** Imports a package as the application's working directory would resolve it. */
async function importFromCwd(specifier: string): Promise<unknown> {
  const cwd = process.cwd();
  if (!reachableFrom(cwd, packageName(specifier))) {
    throw Object.assign(new Error(`Cannot find package '${specifier}' from ${cwd}`), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return import(pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(specifier)).href);
}

/** From api's own location first (flat installs), then from the application's working directory. */
const builtinImporters: ModuleImporter[] = [(s) => import(s), importFromCwd];

async function importPackage(specifier: string): Promise<DriverModule | undefined> {
  for (const load of [...importers, ...builtinImporters]) {
    try {
      const mod = (await load(specifier)) as Partial<DriverModule> | undefined;
      if (mod?.driver) return mod as DriverModule;
    } catch (e) {
      if (!isNotFound(e, specifier)) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `failed to load driver package ${specifier}: ${(e as Error).message}`, ErrorDomain.NONE, { cause: e });
      }
    }
  }
  return undefined;
}

const loaded = new Map<string, Promise<ConnectionDriver | undefined>>();

/** The driver a package exports, without starting its process state (to tell what is installed). */
export async function findDriver(specifier: string): Promise<ConnectionDriver | undefined> {
  return (await importPackage(specifier))?.driver;
}

/** The driver a package exports, its process state initialised; undefined when not installed. */
export function loadDriver(specifier: string): Promise<ConnectionDriver | undefined> {
  let p = loaded.get(specifier);
  if (!p) {
    p = (async () => {
      const mod = await importPackage(specifier);
      if (mod?.driver.state) await mod.driver.state.stateInitialize();
      return mod?.driver;
    })();
    // A failure or a package not installed (yet) is looked for again next time.
    p.then((d) => d ?? loaded.delete(specifier), () => loaded.delete(specifier));
    loaded.set(specifier, p);
  }
  return p;
}

/** Releases the process state of every loaded driver (monitors, timers), so a process can exit. */
export async function unloadDrivers(): Promise<void> {
  const drivers = await Promise.all([...loaded.values()].map((p) => p.catch(() => undefined)));
  loaded.clear();
  await Promise.all(drivers.map((d) => d?.state?.stateCleanup()));
}
