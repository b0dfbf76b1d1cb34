import type { DomainRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActive, type ActiveStatus } from '../state/lxc-status.js';
import { loadDomain, readStatus, uuidOf, withDomainJob, type StoredDomain } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { hasEnded, reconcile } from './lxc-reconcile.js';

const D = ErrorDomain.LXC;

/** libvirt's error for a handle whose domain is gone. */
export function noDomain(ref: DomainRef): VirError {
  return new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${ref.uuid}' (${ref.name})`, D);
}

/** libvirt's error for an operation that needs a running domain. */
export function notRunning(): VirError {
  return new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', D);
}

async function loadRef(drv: LxcContext, ref: DomainRef): Promise<StoredDomain> {
  const d = await loadDomain(drv.paths, ref.name);
  if (!d || uuidOf(d) !== ref.uuid) throw noDomain(ref);
  return d;
}

/** A domain for reading: from disk, with a container that has ended noticed first (under the job lock). */
export async function readDomain(drv: LxcContext, ref: DomainRef): Promise<StoredDomain> {
  const d = await loadRef(drv, ref);
  if (!isActive(d.status) || !(await hasEnded(drv, d.status))) return d;
  return withDomainJob(drv.paths, ref.name, async () => {
    const fresh = await loadRef(drv, ref);
    if (isActive(fresh.status)) await reconcile(drv, fresh.status);
    return loadRef(drv, ref);
  });
}

/** Runs a modifying job on a domain, alone among all processes, with its status reconciled first. */
export function domainJob<T>(drv: LxcContext, ref: DomainRef, fn: (d: StoredDomain) => Promise<T>): Promise<T> {
  return withDomainJob(drv.paths, ref.name, async () => {
    const d = await loadRef(drv, ref);
    if (isActive(d.status) && !(await reconcile(drv, d.status))) return fn({ ...d, status: await readStatus(drv.paths, ref.name) });
    return fn(d);
  });
}

/** The live status of a domain that must be running. */
export function requireActive(d: StoredDomain): ActiveStatus {
  if (!isActive(d.status) || d.status.phase !== 'active') throw notRunning();
  return d.status;
}
