import { LocalDomainStore, currentDefinition, storedUuid, type DomainStatusKind, type StoredDomain as Stored } from '@tsvirt/conf/state';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorDomain } from '@tsvirt/util';
import { isFileSafeName, type DriverPaths } from './driver-paths.js';
import { isActiveStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';
import { domainStatusFile } from './status-file.js';

/** The guest architecture this driver runs. */
export const GUEST_ARCH = 'x86_64';

export type StoredDomain = Stored<DomainStatus>;
export type QemuStore = LocalDomainStore<DomainStatus, ActiveStatus>;

/** What a QEMU status tells: active ones carry the live definition. */
const KIND: DomainStatusKind<DomainStatus, ActiveStatus> = { arch: GUEST_ARCH, isActive: isActiveStatus, liveXml: (s) => s.xml, liveUuid: (s) => s.uuid };

const stores = new WeakMap<DriverPaths, QemuStore>();

/** The domain store of one root: conf's local-domain store over this driver's directories and status files. */
export function qemuStore(paths: DriverPaths): QemuStore {
  let store = stores.get(paths);
  if (!store) {
    store = new LocalDomainStore({
      ...KIND, configDir: paths.configDir, stateDir: paths.stateDir, domain: ErrorDomain.QEMU, status: domainStatusFile(paths.stateDir),
      isSafeName: isFileSafeName,
    });
    stores.set(paths, store);
  }
  return store;
}

export const currentDef = (d: StoredDomain): DomainDef => currentDefinition(KIND, d);
export const uuidOf = (d: StoredDomain): string => storedUuid(KIND, d);

