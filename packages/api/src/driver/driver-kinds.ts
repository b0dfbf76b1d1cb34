import type { HypervisorDriver } from './hypervisor-driver.js';
import type { InterfaceDriver } from './interface-driver.js';
import type { NetworkDriver } from './network-driver.js';
import type { NodeDeviceDriver } from './nodedev-driver.js';
import type { NWFilterDriver } from './nwfilter-driver.js';
import type { SecretDriver } from './secret-driver.js';
import type { StorageDriver } from './storage-driver.js';

/**
 * The tables of entry points a connection can hold, one per driver kind (libvirt's
 * virConnectDriver members). Everything that lists kinds — the merged connection, its type, the
 * handles' access — is derived from this interface and DRIVER_KINDS.
 */
export interface DriverTables {
  readonly hypervisor: HypervisorDriver;
  readonly network: NetworkDriver;
  readonly storage: StorageDriver;
  readonly interface: InterfaceDriver;
  readonly nodeDevice: NodeDeviceDriver;
  readonly secret: SecretDriver;
  readonly nwfilter: NWFilterDriver;
}

export type DriverKind = keyof DriverTables;

/** Every driver kind, the hypervisor's first (only the main driver provides it). */
export const DRIVER_KINDS = [
  'hypervisor', 'network', 'storage', 'interface', 'nodeDevice', 'secret', 'nwfilter',
] as const satisfies readonly DriverKind[];

/** The kinds a secondary driver may add to a hypervisor's connection. */
export const SECONDARY_KINDS = DRIVER_KINDS.filter((k) => k !== 'hypervisor');

// A kind added to DriverTables but not to DRIVER_KINDS fails to compile here.
type Missing = Exclude<DriverKind, (typeof DRIVER_KINDS)[number]>;
export const DRIVER_KINDS_COMPLETE: [Missing] extends [never] ? true : Missing = true;
