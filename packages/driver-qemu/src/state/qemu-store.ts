import { LocalDomainStore, currentDefinition, storedUuid, type DomainStatusKind, type StoredDomain as Stored } from '@tsvirt/conf/state';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorDomain, namesWithSuffix } from '@tsvirt/util';
import { isFileSafeName, type DriverPaths } from './driver-paths.js';
import { isActiveStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';
import { domainStatusFile } from './status-file.js';
import { ABSENT, sameVersion, versionOf, type FileVersion } from './file-version.js';

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
  /** Statuses a look at the whole root read, each handed to the next read of its file while that file is unchanged. */
  readonly #lent = new Map<string, { readonly version: FileVersion; readonly status: DomainStatus }>();

  /**
   * The status of every domain that is starting or running (as loadActiveStatuses), each lent
   * to the next read of its file if that file is still the version read here: the listing or
   * lookup that follows opening a root takes it instead of reading, parsing and checking the
   * file again. The caller only looks at them; the next reader may change its copy.
   */
  async lendActiveStatuses(): Promise<ActiveStatus[]> {
    const names = await namesWithSuffix(this.opts.stateDir, '.json');
    // Taken before the reads: a write in between makes the next reader read again.
    const versions = new Map(names.map((n) => [n, versionOf(this.statusFile(n))]));
    const active = await this.loadActiveStatuses();
    for (const s of active) {
      const version = versions.get(s.name);
      if (version && version !== ABSENT) this.#lent.set(s.name, { version, status: s });
    }
    return active;
  }

  override async readStatus(name: string): Promise<DomainStatus | undefined> {
    const lent = this.#lent.get(name);
    if (lent) {
      this.#lent.delete(name);
      if (sameVersion(lent.version, versionOf(this.statusFile(name)))) return lent.status;
    }
    return super.readStatus(name);
  }

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

