import { rm, symlink, mkdir, lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { ErrorDomain, namesWithSuffix, readTextIfExists, withFileLock, writeFileAtomic } from '@tsvirt/util';
import { autostartLink, configFile, domainLockFile, driverLockFile, type LxcPaths } from './lxc-paths.js';
import { isActive, readStatus, type ActiveStatus, type LxcStatus } from './lxc-status.js';

/** A lock whose holder was killed is taken over after this long. */
const STALE_MS = 3000;
const LOCK = { staleMs: STALE_MS, waitMs: 60_000, domain: ErrorDomain.LXC };

/** The architecture of the containers: the host's. */
export const LXC_ARCH = 'x86_64';

/** One domain as found on disk: its persistent definition and its status, either possibly absent. */
export interface StoredDomain {
  readonly name: string;
  readonly persistentDef: DomainDef | undefined;
  readonly hasConfig: boolean;
  readonly status: LxcStatus | undefined;
}

/** The definition in effect: the live one while active, the persistent one otherwise. */
export function currentDef(d: StoredDomain): DomainDef {
  return isActive(d.status) ? parseDomainXML(d.status.xml, { arch: LXC_ARCH }) : d.persistentDef!;
}

export function uuidOf(d: StoredDomain): string {
  return isActive(d.status) ? d.status.uuid : d.persistentDef!.uuid;
}

/** Names of every domain with a definition or a status file. */
export async function listDomainNames(paths: LxcPaths): Promise<string[]> {
  const [defined, known] = await Promise.all([namesWithSuffix(paths.configDir, '.xml'), namesWithSuffix(paths.stateDir, '.json')]);
  return [...new Set([...defined, ...known])].sort();
}

/** Loads one domain; undefined when it exists in neither form. The definition is parsed when first asked for. */
export async function loadDomain(paths: LxcPaths, name: string): Promise<StoredDomain | undefined> {
  const [text, status] = await Promise.all([readTextIfExists(configFile(paths, name)), readStatus(paths, name)]);
  if (text === undefined && !isActive(status)) return undefined;
  let def: DomainDef | undefined;
  return {
    name,
    status,
    hasConfig: text !== undefined,
    get persistentDef() {
      if (text !== undefined) def ??= parseDomainXML(text, { arch: LXC_ARCH });
      return def;
    },
  };
}

export async function loadAllDomains(paths: LxcPaths): Promise<StoredDomain[]> {
  const all = await Promise.all((await listDomainNames(paths)).map((n) => loadDomain(paths, n)));
  return all.filter((d): d is StoredDomain => d !== undefined);
}

export async function loadActiveStatuses(paths: LxcPaths): Promise<ActiveStatus[]> {
  const all = await Promise.all((await namesWithSuffix(paths.stateDir, '.json')).map((n) => readStatus(paths, n)));
  return all.filter(isActive);
}

export async function saveConfig(paths: LxcPaths, name: string, xml: string): Promise<void> {
  await writeFileAtomic(configFile(paths, name), xml, { domain: ErrorDomain.LXC });
}

export async function removeConfig(paths: LxcPaths, name: string): Promise<void> {
  await rm(configFile(paths, name), { force: true });
}

export async function hasAutostart(paths: LxcPaths, name: string): Promise<boolean> {
  return lstat(autostartLink(paths, name)).then(() => true, () => false);
}

/** Marks or unmarks a domain for autostart: a link to its definition, as libvirt keeps it. */
export async function setAutostart(paths: LxcPaths, name: string, on: boolean): Promise<void> {
  const link = autostartLink(paths, name);
  await rm(link, { force: true });
  if (!on) return;
  await mkdir(dirname(link), { recursive: true });
  await symlink(configFile(paths, name), link);
}

/** Runs `fn` as the only job on domain `name` among all processes using this root. */
export function withDomainJob<T>(paths: LxcPaths, name: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(domainLockFile(paths, name), fn, LOCK);
}

/** Runs `fn` holding the driver-wide lock (ids, the set of names and UUIDs). */
export function withDriverLock<T>(paths: LxcPaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(driverLockFile(paths), fn, LOCK);
}
