import { access, constants } from 'node:fs/promises';
import type { Connection, OpenContext } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DriverPaths } from '../state/driver-paths.js';
import { QemuEventHub } from '../events/event-hub.js';
import { DomainWatcher } from '../events/domain-watcher.js';
import { FdGroupStore } from '../fdgroup/fd-group-store.js';

/** One instance of the driver: a root of directories, shared by every connection to it in this process. */
export class DriverContext {
  /** Holds the running domains' event monitors, those listened to in this process. */
  readonly watcher: DomainWatcher = new DomainWatcher(this);
  readonly events = new QemuEventHub((scope) => this.watcher.setScope(scope));
  /** Descriptor groups associated with domains (virDomainFDAssociate), each for its connection's life. */
  readonly fdGroups = new FdGroupStore();
  #kvm: Promise<boolean> | undefined;

  constructor(
    readonly paths: DriverPaths,
    private readonly connect: OpenContext['connect'],
  ) {}

  /** Whether /dev/kvm can be used by this process. */
  kvmUsable(): Promise<boolean> {
    this.#kvm ??= access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false);
    return this.#kvm;
  }

  /** Runs a function on a connection to this driver's own URI: the secondary drivers (network, storage) through the public API. */
  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connect(this.paths.uri);
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  }

  /** A storage volume's path, asked of the storage driver through the public API. */
  async volumePath(pool: string, volume: string): Promise<string> {
    let conn: Connection;
    try {
      conn = await this.connect(this.paths.uri, { readonly: true });
    } catch (e) {
      throw new VirError(ErrorCode.NO_STORAGE_POOL, `cannot reach storage pool '${pool}': ${(e as Error).message}`, ErrorDomain.QEMU, { cause: e });
    }
    try {
      const p = await conn.storagePoolLookupByName(pool);
      return await (await p.storageVolLookupByName(volume)).getPath();
    } finally {
      await conn.close();
    }
  }
}
