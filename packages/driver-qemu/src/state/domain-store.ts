import { readdir, readFile, rm } from 'node:fs/promises';
import { parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { ErrorDomain, withFileLock, writeFileAtomic } from '@tsvirt/util';
import { configFile, domainLockFile, driverLockFile, nextIdFile, type DriverPaths } from './driver-paths.js';
import { isActiveStatus, readStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';

/** A lock whose holder was killed is taken over after this long (short: a crash must not stall the next user). */
const STALE_MS = 3000;

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
  return [...new Set([...defined, ...running])].sort();
}

async function readConfig(paths: DriverPaths, name: string): Promise<string | undefined> {
  try {
    return await readFile(configFile(paths, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Loads one domain from disk; undefined when it exists in neither form. The definition is parsed when first asked for. */
export async function loadDomain(paths: DriverPaths, name: string): Promise<StoredDomain | undefined> {
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

/** Loads every domain. */
export async function loadAllDomains(paths: DriverPaths): Promise<StoredDomain[]> {
  const all = await Promise.all((await listDomainNames(paths)).map((n) => loadDomain(paths, n)));
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
  return withFileLock(domainLockFile(paths, name), fn, { staleMs: STALE_MS, waitMs: 60_000, domain: ErrorDomain.QEMU });
}

/** Runs `fn` holding the driver-wide lock (ids, the shared-disk table, the set of names). */
export function withDriverLock<T>(paths: DriverPaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(driverLockFile(paths), fn, { staleMs: STALE_MS, waitMs: 60_000, domain: ErrorDomain.QEMU });
}

/** The status of every domain that is starting or running. */
export async function loadActiveStatuses(paths: DriverPaths): Promise<ActiveStatus[]> {
  const names = await namesIn(paths.stateDir, '.json');
  const all = await Promise.all(names.map((n) => readStatus(paths, n)));
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
