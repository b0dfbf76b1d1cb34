import type { DomainRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { qemuStore, uuidOf, type StoredDomain } from '../state/qemu-store.js';
import { domainCache } from '../state/domain-cache.js';
import type { DriverContext } from './driver-context.js';
import { isSettled, isUnsettled, reconcile } from './domain-reconnect.js';

const D = ErrorDomain.QEMU;

/** libvirt's error for a handle whose domain is gone. */
export function noDomain(ref: DomainRef): VirError {
  return new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${ref.uuid}' (${ref.name})`, D);
}

/** libvirt's error for an operation that needs a running domain. */
export function notRunning(): VirError {
  return new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', D);
}

/** The stored domain behind a handle: found by name, and it must still have the handle's UUID. */
function checkRef(ref: DomainRef, d: StoredDomain | undefined): StoredDomain {
  if (!d || uuidOf(d) !== ref.uuid) throw noDomain(ref);
  return d;
}

/** The domain behind a handle as a job's own copy, read from disk. */
async function loadRef(drv: DriverContext, ref: DomainRef): Promise<StoredDomain> {
  return checkRef(ref, await qemuStore(drv.paths).loadReadable(ref.name));
}

/**
 * A domain for reading (the result is shared: never changed by the reader): from the root's
 * cache while its files are unchanged, with a dead QEMU noticed and an unfinished hotplug
 * settled first (under the job lock), so every process reports the same truth. A reader of the
 * run state only (`stateOnly`) does not wait for a hotplug: it changes devices, never the state.
 */
export async function readDomain(drv: DriverContext, ref: DomainRef, stateOnly = false): Promise<StoredDomain> {
  const d = checkRef(ref, await domainCache(drv.paths).load(ref.name));
  if (!isActiveStatus(d.status) || d.status.phase !== 'active' || d.status.pid === undefined || (await isSettled(drv, d.status, stateOnly))) return d;
  return qemuStore(drv.paths).withDomainJob(ref.name, async () => {
    const fresh = await loadRef(drv, ref);
    if (isActiveStatus(fresh.status)) await reconcile(drv, fresh.status, true);
    return loadRef(drv, ref);
  });
}

/**
 * Runs a modifying job on a domain, alone among all processes: the domain is loaded under the
 * lock and reconciled with its QEMU (through the monitor when `useMonitor`) before `fn` runs.
 */
export function domainJob<T>(drv: DriverContext, ref: DomainRef, useMonitor: boolean, fn: (d: StoredDomain) => Promise<T>): Promise<T> {
  return qemuStore(drv.paths).withDomainJob(ref.name, async () => {
    const d = await loadRef(drv, ref);
    if (isActiveStatus(d.status)) {
      // The monitor is consulted only when something is unsettled: a job opens its own connection anyway.
      const settled = await reconcile(drv, d.status, useMonitor && (await isUnsettled(drv, d.status)));
      if (!settled) return fn({ ...d, status: await qemuStore(drv.paths).readStatus(ref.name) });
    }
    return fn(d);
  });
}

/** The live status of a domain that must be running. */
export function requireActive(d: StoredDomain): ActiveStatus {
  if (!isActiveStatus(d.status) || d.status.phase !== 'active') throw notRunning();
  return d.status;
}
