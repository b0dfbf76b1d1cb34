import { readdir, readFile, rm } from 'node:fs/promises';
import { parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { ErrorDomain, logger, withFileLock, writeFileAtomic } from '@tsvirt/util';
import { configFile, domainLockFile, driverLockFile, isFileSafeName, nextIdFile, type DriverPaths } from './driver-paths.js';
import { isActiveStatus, readStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';

/** How long a job waits for another process's job on the same domain. */
const LOCK_WAIT_MS = 60_000;

const log = logger('qemu.store');

/** The guest architecture this driver runs. */
export const GUEST_ARCH = 'x86_64';

/** One domain as found on disk: its persistent definition and its status, either possibly absent. */
export interface StoredDomain {
  readonly name: string;
  readonly persistentDef: DomainDef | undefined;
  /** Whether a persistent definition exists (without parsing it). */
  readonly hasConfig: boolean;
  readonly status: DomainStatus | undefined;
}

/** The definition in effect: the live one while active, the persistent one otherwise. */
export function currentDef(d: StoredDomain): DomainDef {
  return isActiveStatus(d.status) ? parseDomainXML(d.status.xml, { arch: GUEST_ARCH }) : d.persistentDef!;
}

/** The UUID of a stored domain, without parsing a live definition. */
export function uuidOf(d: StoredDomain): string {
  return isActiveStatus(d.status) ? d.status.uuid : d.persistentDef!.uuid;
}

async function namesIn(dir: string, suffix: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Names of every domain with a definition or a status file. */
export async function listDomainNames(paths: DriverPaths): Promise<string[]> {
  const [defined, running] = await Promise.all([namesIn(paths.configDir, '.xml'), namesIn(paths.stateDir, '.json')]);
  return [...new Set([...defined, ...running])].filter(isFileSafeName).sort();
}

async function readConfig(paths: DriverPaths, name: string): Promise<string | undefined> {
  try {
    return await readFile(configFile(paths, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Loads one domain from disk; undefined when it exists in neither form, or when the name could
 * not be one of the root's own files. The definition is parsed when first asked for.
 */
export async function loadDomain(paths: DriverPaths, name: string): Promise<StoredDomain | undefined> {
  if (!isFileSafeName(name)) return undefined;
  const [text, status] = await Promise.all([readConfig(paths, name), readStatus(paths, name)]);
  if (text === undefined && !isActiveStatus(status)) return undefined;
  let def: DomainDef | undefined;
  return {
    name,
    status,
    hasConfig: text !== undefined,
    get persistentDef() {
      if (text !== undefined) def ??= parseDomainXML(text, { arch: GUEST_ARCH });
      return def;
    },
  };
}

/**
 * Loads one domain whose files can be read: a definition or status that cannot be is skipped
 * with a logged error, as libvirt skips it when loading configs, so one bad file never breaks
 * the rest of the root and the domain is simply not there.
 */
export async function loadReadableDomain(paths: DriverPaths, name: string): Promise<StoredDomain | undefined> {
  try {
    const d = await loadDomain(paths, name);
    // An inactive domain is known by its definition alone: read it now, while failures can be skipped.
    if (d && !isActiveStatus(d.status)) void d.persistentDef;
    return d;
  } catch (e) {
    log.error(`skipping domain '${name}': ${(e as Error).message}`);
    return undefined;
  }
}

/** Loads every domain that can be read. */
export async function loadAllDomains(paths: DriverPaths): Promise<StoredDomain[]> {
  const all = await Promise.all((await listDomainNames(paths)).map((n) => loadReadableDomain(paths, n)));
  return all.filter((d): d is StoredDomain => d !== undefined);
}

/** Writes a persistent definition atomically. */
export async function saveConfig(paths: DriverPaths, name: string, xml: string): Promise<void> {
  await writeFileAtomic(configFile(paths, name), xml, { domain: ErrorDomain.QEMU });
}

export async function removeConfig(paths: DriverPaths, name: string): Promise<void> {
  await rm(configFile(paths, name), { force: true });
}

/** Runs `fn` as the only job on domain `name` among all processes using this root. */
export function withDomainJob<T>(paths: DriverPaths, name: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(domainLockFile(paths, name), fn, { waitMs: LOCK_WAIT_MS, domain: ErrorDomain.QEMU });
}

/** Runs `fn` holding the driver-wide lock (ids, the shared-disk table, the set of names). */
export function withDriverLock<T>(paths: DriverPaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(driverLockFile(paths), fn, { waitMs: LOCK_WAIT_MS, domain: ErrorDomain.QEMU });
}

/** The status of every domain that is starting or running. */
export async function loadActiveStatuses(paths: DriverPaths): Promise<ActiveStatus[]> {
  const names = (await namesIn(paths.stateDir, '.json')).filter(isFileSafeName);
  const all = await Promise.all(names.map((n) => readStatus(paths, n).catch((e: Error) => {
    log.error(`skipping the status of domain '${n}': ${e.message}`);
    return undefined;
  })));
  return all.filter(isActiveStatus);
}

/** The next domain id; the caller holds the driver lock. */
export async function allocateId(paths: DriverPaths): Promise<number> {
  const file = nextIdFile(paths);
  const text = await readFile(file, 'utf8').catch(() => '1');
  const id = Math.max(1, Number(text.trim()) || 1);
  await writeFileAtomic(file, `${id + 1}\n`, { domain: ErrorDomain.QEMU });
  return id;
}
