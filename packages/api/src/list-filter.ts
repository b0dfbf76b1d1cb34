import { flagFilter } from './flag-groups.js';
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

const OTHER_STATE = (d: DomainListFacts): boolean =>
  d.state !== DomainState.RUNNING && d.state !== DomainState.PAUSED && d.state !== DomainState.SHUTOFF;

/** Whether a domain passes ListDomainsFlags (libvirt's filter groups). */
export const matchesListDomainsFlags: (d: DomainListFacts, flags: number) => boolean = flagFilter<DomainListFacts>([
  [[F.ACTIVE, (d) => d.active], [F.INACTIVE, (d) => !d.active]],
  [[F.PERSISTENT, (d) => d.persistent], [F.TRANSIENT, (d) => !d.persistent]],
  [
    [F.RUNNING, (d) => d.state === DomainState.RUNNING], [F.PAUSED, (d) => d.state === DomainState.PAUSED],
    [F.SHUTOFF, (d) => d.state === DomainState.SHUTOFF], [F.OTHER, OTHER_STATE],
  ],
  [[F.MANAGEDSAVE, (d) => d.hasManagedSave], [F.NO_MANAGEDSAVE, (d) => !d.hasManagedSave]],
  [[F.AUTOSTART, (d) => d.autostart], [F.NO_AUTOSTART, (d) => !d.autostart]],
  [[F.HAS_SNAPSHOT, (d) => d.hasSnapshot], [F.NO_SNAPSHOT, (d) => !d.hasSnapshot]],
  [[F.HAS_CHECKPOINT, (d) => d.hasCheckpoint], [F.NO_CHECKPOINT, (d) => !d.hasCheckpoint]],
]);
