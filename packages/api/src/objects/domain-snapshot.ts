import { ErrorCode, VirError } from '@tsvirt/util';
import type { SnapshotRef } from '../driver/domain-state-entry-points.js';
import { DomainSnapshotDeleteFlags as Del, DomainSnapshotRevertFlags as Rev, DomainSnapshotXMLFlags } from '../domain-state-flags.js';
import { checkExclusiveFlags } from './arg-checks.js';
import type { Domain } from './domain.js';
import { tableCaller } from './handle.js';
import type { Caller } from './entry-point.js';
import type { HypervisorDriver } from '../driver/hypervisor-driver.js';

/** A snapshot handle (libvirt's virDomainSnapshotPtr): the domain it belongs to and its name. */
export class DomainSnapshot {
  readonly #call: Caller<HypervisorDriver>;

  constructor(readonly domain: Domain, readonly name: string) {
    this.#call = tableCaller(domain.conn, 'hypervisor');
  }

  get ref(): SnapshotRef {
    return { domain: this.domain.ref, name: this.name };
  }

  getName(): string {
    return this.name;
  }
  getDomain(): Domain {
    return this.domain;
  }

  /** `<domainsnapshot>` XML; DomainSnapshotXMLFlags.SECURE is refused on a read-only connection. */
  getXMLDesc(flags = 0): Promise<string> {
    if (flags & DomainSnapshotXMLFlags.SECURE && this.domain.conn.isReadOnly()) {
      throw new VirError(ErrorCode.OPERATION_DENIED, 'virDomainSnapshotGetXMLDesc with secure flag');
    }
    return this.#call('domainSnapshotGetXMLDesc', 'virDomainSnapshotGetXMLDesc')(this.ref, flags);
  }
  async getParent(flags = 0): Promise<DomainSnapshot> {
    const ref = await this.#call('domainSnapshotGetParent', 'virDomainSnapshotGetParent')(this.ref, flags);
    return new DomainSnapshot(this.domain, ref.name);
  }
  /** Children (all descendants with DomainSnapshotListFlags.DESCENDANTS) matching the list flags. */
  async listAllChildren(flags = 0): Promise<DomainSnapshot[]> {
    const names = await this.#call('domainSnapshotListAllChildren', 'virDomainSnapshotListAllChildren')(this.ref, flags);
    return names.map((n) => new DomainSnapshot(this.domain, n));
  }
  async listChildrenNames(flags = 0): Promise<string[]> {
    return this.#call('domainSnapshotListAllChildren', 'virDomainSnapshotListChildrenNames')(this.ref, flags);
  }
  async numChildren(flags = 0): Promise<number> {
    return (await this.#call('domainSnapshotListAllChildren', 'virDomainSnapshotNumChildren')(this.ref, flags)).length;
  }
  isCurrent(flags = 0): Promise<boolean> {
    return this.#call('domainSnapshotIsCurrent', 'virDomainSnapshotIsCurrent')(this.ref, flags);
  }
  hasMetadata(flags = 0): Promise<boolean> {
    return this.#call('domainSnapshotHasMetadata', 'virDomainSnapshotHasMetadata')(this.ref, flags);
  }
  /** Puts the domain back into this snapshot's state (virDomainRevertToSnapshot; DomainSnapshotRevertFlags). */
  async revert(flags = 0): Promise<void> {
    const call = this.#call('domainRevertToSnapshot', 'virDomainRevertToSnapshot', 'write');
    checkExclusiveFlags(flags, Rev.RUNNING, 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING', Rev.PAUSED, 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED');
    await call(this.ref, flags);
  }
  /** Deletes the snapshot (DomainSnapshotDeleteFlags). */
  async delete(flags = 0): Promise<void> {
    const call = this.#call('domainSnapshotDelete', 'virDomainSnapshotDelete', 'write');
    checkExclusiveFlags(flags, Del.CHILDREN, 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN', Del.CHILDREN_ONLY, 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY');
    await call(this.ref, flags);
  }
}
