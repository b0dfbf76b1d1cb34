import { ErrorCode, VirError } from '@tsvirt/util';
import type { CheckpointRef } from '../driver/domain-state-entry-points.js';
import { DomainCheckpointDeleteFlags as Del, DomainCheckpointXMLFlags } from '../domain-state-flags.js';
import { checkExclusiveFlags } from './arg-checks.js';
import type { Domain } from './domain.js';
import { tableCaller } from './handle.js';
import type { Caller } from './entry-point.js';
import type { HypervisorDriver } from '../driver/hypervisor-driver.js';

/** A checkpoint handle (libvirt's virDomainCheckpointPtr): the domain it belongs to and its name. */
export class DomainCheckpoint {
  readonly #call: Caller<HypervisorDriver>;

  constructor(readonly domain: Domain, readonly name: string) {
    this.#call = tableCaller(domain.conn, 'hypervisor');
  }

  get ref(): CheckpointRef {
    return { domain: this.domain.ref, name: this.name };
  }

  getName(): string {
    return this.name;
  }
  getDomain(): Domain {
    return this.domain;
  }

  /** `<domaincheckpoint>` XML; DomainCheckpointXMLFlags.SECURE is refused on a read-only connection. */
  async getXMLDesc(flags = 0): Promise<string> {
    if (flags & DomainCheckpointXMLFlags.SECURE && this.domain.conn.isReadOnly()) {
      throw new VirError(ErrorCode.OPERATION_DENIED, 'virDomainCheckpointGetXMLDesc with secure flag');
    }
    return this.#call('domainCheckpointGetXMLDesc', 'virDomainCheckpointGetXMLDesc')(this.ref, flags);
  }
  async getParent(flags = 0): Promise<DomainCheckpoint> {
    const ref = await this.#call('domainCheckpointGetParent', 'virDomainCheckpointGetParent')(this.ref, flags);
    return new DomainCheckpoint(this.domain, ref.name);
  }
  /** Children (all descendants with DomainCheckpointListFlags.DESCENDANTS) matching the list flags. */
  async listAllChildren(flags = 0): Promise<DomainCheckpoint[]> {
    const names = await this.#call('domainCheckpointListAllChildren', 'virDomainCheckpointListAllChildren')(this.ref, flags);
    return names.map((n) => new DomainCheckpoint(this.domain, n));
  }
  /** Deletes the checkpoint (DomainCheckpointDeleteFlags). */
  async delete(flags = 0): Promise<void> {
    const call = this.#call('domainCheckpointDelete', 'virDomainCheckpointDelete', 'write');
    checkExclusiveFlags(flags, Del.CHILDREN, 'VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN', Del.CHILDREN_ONLY, 'VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY');
    await call(this.ref, flags);
  }
}
