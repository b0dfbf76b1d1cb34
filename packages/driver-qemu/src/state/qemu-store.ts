import { LocalDomainStore, currentDefinition, storedUuid, type DomainStatusKind, type StoredDomain as Stored } from '@tsvirt/conf/state';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorDomain } from '@tsvirt/util';
import { isFileSafeName, type DriverPaths } from './driver-paths.js';
import { isActiveStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';
import { domainStatusFile } from './status-file.js';

/** The guest architecture this driver runs. */
export const GUEST_ARCH = 'x86_64';

export type StoredDomain = Stored<DomainStatus>;

/**
 * conf's local-domain store, counting the changes this process makes to definitions and statuses
 * (each when it ends, done or failed) for the root's cache: a watch of the directories tells it of
 * them only at the event loop's next turn, and a reader in the same turn must see them.
 */
export class QemuStore extends LocalDomainStore<DomainStatus, ActiveStatus> {
  localChanges = 0;

  #counted<T>(change: Promise<T>): Promise<T> {
    return change.finally(() => this.localChanges++);
  }

  override writeStatus(status: DomainStatus): Promise<void> {
    return this.#counted(super.writeStatus(status));
  }
  override removeStatus(name: string): Promise<void> {
    return this.#counted(super.removeStatus(name));
  }
  override saveConfig(name: string, xml: string): Promise<void> {
    return this.#counted(super.saveConfig(name, xml));
  }
  override removeConfig(name: string): Promise<void> {
    return this.#counted(super.removeConfig(name));
  }
}

/** What a QEMU status tells: active ones carry the live definition. */
const KIND: DomainStatusKind<DomainStatus, ActiveStatus> = { arch: GUEST_ARCH, isActive: isActiveStatus, liveXml: (s) => s.xml, liveUuid: (s) => s.uuid };

const stores = new WeakMap<DriverPaths, QemuStore>();

/** The domain store of one root: conf's local-domain store over this driver's directories and status files. */
export function qemuStore(paths: DriverPaths): QemuStore {
  let store = stores.get(paths);
  if (!store) {
    store = new QemuStore({
      ...KIND, configDir: paths.configDir, stateDir: paths.stateDir, domain: ErrorDomain.QEMU, status: domainStatusFile(paths.stateDir),
      isSafeName: isFileSafeName,
    });
    stores.set(paths, store);
  }
  return store;
}

export const currentDef = (d: StoredDomain): DomainDef => currentDefinition(KIND, d);
export const uuidOf = (d: StoredDomain): string => storedUuid(KIND, d);

