import type { DriverKind, DriverTables } from '../driver/driver-kinds.js';
import type { Connection } from './connection.js';
import { callerFor, type Caller } from './entry-point.js';

/** How a connection hands one of its tables to the handles made from it (raising INVALID_CONN once closed). */
export type TableLookup = <K extends DriverKind>(kind: K, api: string) => DriverTables[K] | undefined;

// Kept out of the package's exports: the tables are reachable only through the public API's checks.
const LOOKUPS = new WeakMap<Connection, TableLookup>();

/** Called by Connection's constructor; nothing outside @tsvirt/api can call it. */
export function bindTables(conn: Connection, lookup: TableLookup): void {
  LOOKUPS.set(conn, lookup);
}

/** Whether `conn`'s table of `kind` has the entry point `key` (what a driver feature tells); the table stays private. */
export function hasEntryPoint<K extends DriverKind>(conn: Connection, kind: K, key: keyof DriverTables[K] & string): boolean {
  try {
    return typeof LOOKUPS.get(conn)?.(kind, key)?.[key] === 'function';
  } catch {
    return false; // closed
  }
}

/** Each connection's callers by kind: every handle of a kind shares one (a daemon makes a handle per call). */
const CALLERS = new WeakMap<Connection, Map<DriverKind, Caller<object>>>();

/** The checked entry-point lookup of one kind of `conn`'s tables (read-only and closed checks included). */
export function tableCaller<K extends DriverKind>(conn: Connection, kind: K): Caller<DriverTables[K]> {
  let kinds = CALLERS.get(conn);
  if (!kinds) CALLERS.set(conn, (kinds = new Map()));
  let caller = kinds.get(kind);
  if (!caller) {
    // Found at the first call (a connection makes its own callers before it binds its tables), then kept.
    let lookup: TableLookup | undefined;
    caller = callerFor((api) => {
      lookup ??= LOOKUPS.get(conn);
      if (!lookup) throw new TypeError('not a connection made by @tsvirt/api');
      return lookup(kind, api);
    }, () => conn.isReadOnly());
    kinds.set(kind, caller);
  }
  return caller as Caller<DriverTables[K]>;
}

interface HandleState {
  ref: unknown;
  readonly call: Caller<object>;
}

/** Reads a handle's private state: set by Handle's static block, for callOf and setRef only. */
let stateOf: (h: Handle<DriverKind, unknown>) => HandleState;

/**
 * The skeleton every object handle shares (libvirt's virNetworkPtr, virStoragePoolPtr, ...): the
 * connection it came from, the driver's reference, and checked calls into one kind of table.
 */
export abstract class Handle<K extends DriverKind, R> {
  /** The kind of table the handle's calls go to; each handle class names its own. */
  static readonly kind: DriverKind;
  /** Type only (nothing at run time): lets callOf infer the kind from a handle. */
  declare protected readonly tableKind: K;

  /**
   * The reference and the checked caller, in a private field so that no caller outside @tsvirt/api
   * can reach an entry point without the read-only check (a protected member is still reachable
   * from JavaScript); not in a WeakMap, whose entries cost each handle an insertion and the
   * garbage collector an ephemeron.
   */
  #state: HandleState;

  constructor(readonly conn: Connection, ref: R) {
    this.#state = { ref, call: tableCaller(conn, (new.target as unknown as { kind: K }).kind) };
  }

  static {
    stateOf = (h) => h.#state;
  }

  /** The driver's reference to the object (name, UUID, ...). */
  get ref(): R {
    return this.#state.ref as R;
  }
}

/** The checked caller of a handle's table (only the handle classes import it). */
export function callOf<K extends DriverKind>(h: Handle<K, unknown>): Caller<DriverTables[K]> {
  return stateOf(h).call as Caller<DriverTables[K]>;
}

/** A domain's id changes when it starts or stops: its handle follows. */
export function setRef<R>(h: Handle<DriverKind, R>, ref: R): void {
  stateOf(h).ref = ref;
}
