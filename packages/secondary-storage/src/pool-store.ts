import { readdir, readFile, readlink } from 'node:fs/promises';
import { formatStoragePoolXML, type StoragePoolDef } from '@tsvirt/conf';
import { ErrorDomain, logger, removeIfExists, setAutostartSymlink, systemError, withFileLock, writeFileAtomic } from '@tsvirt/util';
import { parsePoolDefinition } from './pool-backends.js';
import { autostartLink, configFile, driverLock, stateFile, type StoragePaths } from './storage-paths.js';

const log = logger('storage.store');
const D = ErrorDomain.STORAGE;

/** One pool as the files of a root describe it. */
export interface PoolObject {
  /** The live definition while the pool is active, else the persistent one. */
  def: StoragePoolDef;
  /** The persistent definition (its config file), absent for a transient pool. */
  config?: StoragePoolDef;
  active: boolean;
  autostart: boolean;
}

/** Bad files already reported: each is logged once per process, not on every call that reads the root. */
const reported = new Set<string>();
function skipFile(path: string, why: string): void {
  if (reported.has(`${path}\0${why}`)) return;
  reported.add(`${path}\0${why}`);
  log.error(why);
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The definitions in a directory's `*.xml` files, by pool name. A file that cannot be read, that
 * this driver would refuse to define, or whose name is not its pool's is skipped with a logged
 * error, as libvirt skips it: one bad file never hides the other pools of a root.
 */
async function readDefs(dir: string): Promise<Map<string, StoragePoolDef>> {
  const defs = new Map<string, StoragePoolDef>();
  const names = await readdir(dir).catch((e: unknown) => {
    if (isMissing(e)) return [];
    throw systemError(`cannot open directory '${dir}'`, e as NodeJS.ErrnoException, D);
  });
  for (const file of names.filter((n) => n.endsWith('.xml')).sort()) {
    try {
      const def = parsePoolDefinition(await readFile(`${dir}/${file}`, 'utf8'));
      if (file !== `${def.name}.xml`) {
        skipFile(`${dir}/${file}`, `Storage pool config filename '${dir}/${file}' does not match pool name '${def.name}'`);
        continue;
      }
      defs.set(def.name, def);
    } catch (e) {
      skipFile(`${dir}/${file}`, `skipping pool file '${dir}/${file}': ${(e as Error).message}`);
    }
  }
  return defs;
}

/**
 * Every pool of a root, by name: the persistent definitions of the config directory, the live
 * ones of the state directory (a pool is active while its state file exists) and the autostart
 * links. There is no daemon: each call reads the files, which every change writes atomically.
 */
export async function loadPools(paths: StoragePaths): Promise<PoolObject[]> {
  const [configs, live] = await Promise.all([readDefs(paths.configDir), readDefs(paths.stateDir)]);
  const names = [...new Set([...configs.keys(), ...live.keys()])].sort();
  return Promise.all(names.map(async (name) => {
    const config = configs.get(name);
    const running = live.get(name);
    const autostart = config !== undefined && (await readlink(autostartLink(paths, name)).then(() => true, () => false));
    return { def: (running ?? config)!, ...(config ? { config } : {}), active: running !== undefined, autostart };
  }));
}

/** Runs a change to the pools of a root while holding its lock, so processes see changes whole and in turn. */
export function withPoolsLock<T>(paths: StoragePaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(driverLock(paths), fn, { domain: D });
}

/** A definition as the files hold it: the runtime sizes left out (zero). */
const saved = (def: StoragePoolDef): string => formatStoragePoolXML({ ...def, capacity: 0n, allocation: 0n, available: 0n });

export async function saveConfig(paths: StoragePaths, def: StoragePoolDef): Promise<void> {
  await writeFileAtomic(configFile(paths, def.name), saved(def), { mode: 0o600, domain: D });
}

export async function saveState(paths: StoragePaths, def: StoragePoolDef): Promise<void> {
  await writeFileAtomic(stateFile(paths, def.name), saved(def), { mode: 0o600, domain: D });
}

const removeFile = (path: string, what: string): Promise<void> => removeIfExists(path, what, D);

export const removeState = (paths: StoragePaths, name: string): Promise<void> => removeFile(stateFile(paths, name), 'state file');

/** Removes a pool's config file and its autostart link. */
export async function removeConfig(paths: StoragePaths, name: string): Promise<void> {
  await removeFile(autostartLink(paths, name), 'autostart link');
  await removeFile(configFile(paths, name), 'config file');
}

/** Makes or removes the autostart link of a persistent pool. */
export const setAutostartLink = (paths: StoragePaths, name: string, on: boolean): Promise<void> =>
  setAutostartSymlink(autostartLink(paths, name), configFile(paths, name), on, D);
