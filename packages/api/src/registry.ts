import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { ConnectionDriver, DriverModule } from './driver/connection-driver.js';

/** Which package provides each URI scheme's hypervisor driver, and which secondary drivers join it. */
export interface DriverEntry {
  readonly package: string;
  /** Network and storage drivers attached to the connection when installed (libvirt's secondary drivers). */
  readonly secondary: readonly string[];
}

const LOCAL_SECONDARY = ['@tsvirt/secondary-network', '@tsvirt/secondary-storage'];

/**
 * The registry is data: a URI scheme maps to the package that implements it. Nothing here imports
 * a driver; a package is loaded with `import()` only when a connection needs it.
 */
export const DRIVER_REGISTRY: Readonly<Record<string, DriverEntry>> = {
  test: { package: '@tsvirt/driver-test', secondary: [] },
  qemu: { package: '@tsvirt/driver-qemu', secondary: LOCAL_SECONDARY },
  lxc: { package: '@tsvirt/driver-lxc', secondary: LOCAL_SECONDARY },
};

/** libvirt's remote driver: URIs with a transport or a host, and the local daemon when no local driver is installed. */
export const REMOTE_PACKAGE = '@tsvirt/remote';

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
    p.catch(() => loaded.delete(specifier));
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
