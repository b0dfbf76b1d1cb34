import type { VirURI } from '@tsvirt/util';
import type { Connection } from '../objects/connection.js';
import type { EventSource } from './driver-types.js';
import type { DriverKind, DriverTables } from './driver-kinds.js';
import type { StateDriver } from './state-driver.js';
import type { ConnectCloseReason } from '../close-reason.js';
import type { ConnectAuth } from '../connect-auth.js';

/** What a connection is opened with. */
export interface OpenContext {
  readonly uri: VirURI;
  readonly readonly: boolean;
  /** The caller's authentication callbacks, for a driver that must ask (the remote driver's SASL). */
  readonly auth?: ConnectAuth;
  /** Whether the connection serves clients whose calls arrive through the event loop (ConnectOptions.served). */
  readonly served?: boolean;
  /**
   * The public API seen from inside: a hypervisor driver that needs a network or a storage
   * volume asks through this connection, never by importing the driver that provides it.
   */
  readonly connect: (uri: string, options?: { readonly?: boolean }) => Promise<Connection>;
}

/** One open connection of a driver: the tables of entry points it provides (any of DRIVER_KINDS). */
export interface DriverConnection extends Partial<DriverTables> {
  readonly events?: EventSource;
  /** The URI the connection ended up with (after aliases and defaults). */
  readonly uri?: string;
  /** Settles when the connection closes by itself (a remote peer gone), never on close(): the API then ends its event streams. */
  readonly closed?: Promise<ConnectCloseReason>;
  /**
   * The table that serves one public call (`api`, e.g. `virDomainAttachDevice`), for a driver that
   * tells apart libvirt's calls the API gives one entry point (the remote driver sends each its
   * own procedure: virDomainAttachDevice is not virDomainAttachDeviceFlags with LIVE on the
   * wire); without it, the kind's table.
   */
  tableForCall?<K extends DriverKind>(kind: K, api: string): DriverTables[K] | undefined;
  close(): Promise<void>;
}

/**
 * A connection driver (libvirt's virConnectDriver): the entry a driver package exports as its
 * `driver` binding. `open` answers with a connection, `'declined'` when the URI is not for it
 * (the next candidate is asked), or throws a VirError to stop.
 */
export interface ConnectionDriver {
  /** Name in messages, e.g. `Test`, `QEMU`. */
  readonly name: string;
  /** URI schemes the driver answers (`test`, `qemu`). */
  readonly schemes: readonly string[];
  /** Whether the driver works only on the local host (no host part in its URIs). */
  readonly localOnly: boolean;
  /** Process-wide state, initialised once before the first connection is opened. */
  readonly state?: StateDriver;
  open(ctx: OpenContext): Promise<DriverConnection | 'declined'>;
}

/** The shape of a driver package's module. */
export interface DriverModule {
  readonly driver: ConnectionDriver;
}
