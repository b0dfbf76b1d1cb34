import { LocalDomainStore, currentDefinition, storedUuid, type DomainStatusKind, type StoredDomain as Stored } from '@tsvirt/conf/state';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorDomain } from '@tsvirt/util';
import { exitFile, initFile, type LxcPaths } from './lxc-paths.js';
import { EXIT_FILE, INIT_FILE, STATUS_FILE, isActive, type ActiveStatus, type ExitRecord, type LxcStatus } from './lxc-status.js';
import type { InitRecord } from '../controller/launch-params.js';

/** The architecture of the containers: the host's. */
export const LXC_ARCH = 'x86_64';

export type StoredDomain = Stored<LxcStatus>;

/** What an LXC status tells: active ones carry the live definition. */
const KIND: DomainStatusKind<LxcStatus, ActiveStatus> = { arch: LXC_ARCH, isActive, liveXml: (s) => s.xml, liveUuid: (s) => s.uuid };

const stores = new WeakMap<LxcPaths, LocalDomainStore<LxcStatus, ActiveStatus>>();

/** The domain store of one driver instance (conf's local-domain store over this driver's files). */
export function lxcStore(paths: LxcPaths): LocalDomainStore<LxcStatus, ActiveStatus> {
  let store = stores.get(paths);
  if (!store) {
    store = new LocalDomainStore({ ...KIND, configDir: paths.configDir, stateDir: paths.stateDir, domain: ErrorDomain.LXC, status: STATUS_FILE });
    stores.set(paths, store);
  }
  return store;
}

export const currentDef = (d: StoredDomain): DomainDef => currentDefinition(KIND, d);
export const uuidOf = (d: StoredDomain): string => storedUuid(KIND, d);
export const listDomainNames = (paths: LxcPaths): Promise<string[]> => lxcStore(paths).listNames();
export const loadDomain = (paths: LxcPaths, name: string): Promise<StoredDomain | undefined> => lxcStore(paths).load(name);
export const loadAllDomains = (paths: LxcPaths): Promise<StoredDomain[]> => lxcStore(paths).loadAll();
export const loadActiveStatuses = (paths: LxcPaths): Promise<ActiveStatus[]> => lxcStore(paths).loadActiveStatuses();
export const saveConfig = (paths: LxcPaths, name: string, xml: string): Promise<void> => lxcStore(paths).saveConfig(name, xml);
export const removeConfig = (paths: LxcPaths, name: string): Promise<void> => lxcStore(paths).removeConfig(name);
export const hasAutostart = (paths: LxcPaths, name: string): Promise<boolean> => lxcStore(paths).hasAutostart(name);
export const setAutostart = (paths: LxcPaths, name: string, on: boolean): Promise<void> => lxcStore(paths).setAutostart(name, on);
export const withDomainJob = <T>(paths: LxcPaths, name: string, fn: () => Promise<T>): Promise<T> => lxcStore(paths).withDomainJob(name, fn);
export const withDriverLock = <T>(paths: LxcPaths, fn: () => Promise<T>): Promise<T> => lxcStore(paths).withDriverLock(fn);
export const readStatus = (paths: LxcPaths, name: string): Promise<LxcStatus | undefined> => lxcStore(paths).readStatus(name);
export const writeStatus = (paths: LxcPaths, status: LxcStatus): Promise<void> => lxcStore(paths).writeStatus(status);
export const removeStatus = (paths: LxcPaths, name: string): Promise<void> => lxcStore(paths).removeStatus(name);
export const readExit = (paths: LxcPaths, name: string): Promise<ExitRecord | undefined> => EXIT_FILE.read(exitFile(paths, name));
export const readInit = (paths: LxcPaths, name: string): Promise<InitRecord | undefined> => INIT_FILE.read(initFile(paths, name));
