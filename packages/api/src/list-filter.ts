import { matchesFlagGroups } from './flag-groups.js';
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

/** Whether a domain passes ListDomainsFlags (libvirt's filter groups). */
export function matchesListDomainsFlags(d: DomainListFacts, flags: number): boolean {
  const other = d.state !== DomainState.RUNNING && d.state !== DomainState.PAUSED && d.state !== DomainState.SHUTOFF;
  return matchesFlagGroups(flags, [
    [[F.ACTIVE, d.active], [F.INACTIVE, !d.active]],
    [[F.PERSISTENT, d.persistent], [F.TRANSIENT, !d.persistent]],
    [
      [F.RUNNING, d.state === DomainState.RUNNING], [F.PAUSED, d.state === DomainState.PAUSED],
      [F.SHUTOFF, d.state === DomainState.SHUTOFF], [F.OTHER, other],
    ],
    [[F.MANAGEDSAVE, d.hasManagedSave], [F.NO_MANAGEDSAVE, !d.hasManagedSave]],
    [[F.AUTOSTART, d.autostart], [F.NO_AUTOSTART, !d.autostart]],
    [[F.HAS_SNAPSHOT, d.hasSnapshot], [F.NO_SNAPSHOT, !d.hasSnapshot]],
    [[F.HAS_CHECKPOINT, d.hasCheckpoint], [F.NO_CHECKPOINT, !d.hasCheckpoint]],
  ]);
}
