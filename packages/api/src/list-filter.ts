import { DomainState, ListDomainsFlags as F } from './flags.js';

/** What `virConnectListAllDomains` filters on, as a driver knows it about one domain. */
export interface DomainListFacts {
  readonly active: boolean;
  readonly persistent: boolean;
  readonly state: number;
  readonly hasManagedSave: boolean;
  readonly autostart: boolean;
  readonly hasSnapshot: boolean;
  readonly hasCheckpoint: boolean;
}

/** Every ListDomainsFlags bit: what a driver's listing accepts. */
export const ALL_LIST_DOMAINS_FLAGS = Object.values(F).reduce((a, b) => a | b, 0);

/**
 * Whether a domain passes ListDomainsFlags, with libvirt's rule for every group of flags: a group
 * none of whose bits is set lets everything through, otherwise one of its set bits must hold.
 */
export function matchesListDomainsFlags(d: DomainListFacts, flags: number): boolean {
  const group = (checks: Array<[bit: number, holds: boolean]>): boolean => {
    const mask = checks.reduce((m, [bit]) => m | bit, 0);
    return !(flags & mask) || checks.some(([bit, holds]) => (flags & bit) !== 0 && holds);
  };
  const other = d.state !== DomainState.RUNNING && d.state !== DomainState.PAUSED && d.state !== DomainState.SHUTOFF;
  return group([[F.ACTIVE, d.active], [F.INACTIVE, !d.active]]) &&
    group([[F.PERSISTENT, d.persistent], [F.TRANSIENT, !d.persistent]]) &&
    group([
      [F.RUNNING, d.state === DomainState.RUNNING], [F.PAUSED, d.state === DomainState.PAUSED],
      [F.SHUTOFF, d.state === DomainState.SHUTOFF], [F.OTHER, other],
    ]) &&
    group([[F.MANAGEDSAVE, d.hasManagedSave], [F.NO_MANAGEDSAVE, !d.hasManagedSave]]) &&
    group([[F.AUTOSTART, d.autostart], [F.NO_AUTOSTART, !d.autostart]]) &&
    group([[F.HAS_SNAPSHOT, d.hasSnapshot], [F.NO_SNAPSHOT, !d.hasSnapshot]]) &&
    group([[F.HAS_CHECKPOINT, d.hasCheckpoint], [F.NO_CHECKPOINT, !d.hasCheckpoint]]);
}
