import { noSupport } from '@tsvirt/util';
import type { DriverConnection, OpenContext } from './driver/connection-driver.js';
import { SECONDARY_KINDS, type DriverKind, type DriverTables } from './driver/driver-kinds.js';
import { entryPoint } from './objects/entry-point.js';
import { SECONDARY_PROVIDES, loadDriver, type DriverEntry } from './registry.js';

/** The secondary drivers joined to a hypervisor connection, and the kinds whose package is not installed. */
export interface OpenedSecondaries {
  /** The hypervisor's own connection first, then each secondary that opened. */
  readonly tables: readonly DriverConnection[];
  /** Each kind no table provides whose package is not installed, with that package. */
  readonly missing: ReadonlyMap<DriverKind, string>;
}

/** The secondary drivers of an entry: opened ones joined, uninstalled ones remembered by the kinds they provide. */
export async function openSecondaries(entry: DriverEntry, main: DriverConnection, ctx: OpenContext): Promise<OpenedSecondaries> {
  const tables = [main];
  const missing = new Map<DriverKind, string>();
  for (const spec of entry.secondary) {
    if (SECONDARY_KINDS.every((k) => tables.some((t) => t[k]))) break;
    const secondary = await loadDriver(spec);
    if (!secondary) {
      for (const kind of SECONDARY_PROVIDES[spec] ?? []) missing.set(kind, spec);
      continue;
    }
    const opened = await secondary.open(ctx);
    if (opened !== 'declined') tables.push(opened);
  }
  for (const kind of missing.keys()) if (tables.some((t) => t[kind])) missing.delete(kind);
  return { tables, missing };
}

/** The table of `kind` a connection's first provider has for the call `api` (its `tableForCall` when it has one). */
export function tableOf<K extends DriverKind>(tables: readonly DriverConnection[], kind: K, api: string): DriverTables[K] | undefined {
  const owner = tables.find((t) => t[kind]);
  return owner?.tableForCall ? owner.tableForCall(kind, api) : owner?.[kind];
}

/**
 * A hypervisor connection's secondary drivers (networks, storage, secrets), opened when a call
 * first needs a kind the hypervisor's own table lacks, in the registry's order, as they were at
 * connect() before: a connection that only lists domains (virsh's `list` through tsvirtd, every
 * tsvirsh command about domains) no longer pays the network driver's refresh and the others'
 * set-up. libvirtd's secondary drivers are likewise set up once, not per connection.
 */
export class LazySecondaries {
  #opening: Promise<OpenedSecondaries> | undefined;
  #opened: OpenedSecondaries | undefined;

  constructor(
    private readonly entry: DriverEntry,
    private readonly main: DriverConnection,
    private readonly ctx: OpenContext,
  ) {}

  /**
   * The table for the public call `api`: the hypervisor's own, an opened secondary's, or, before
   * the secondaries are open, a table whose every entry point opens them first and then calls the
   * real one (or answers NO_SUPPORT as a missing one would).
   */
  table<K extends DriverKind>(kind: K, api: string): DriverTables[K] | undefined {
    if (this.main[kind]) return tableOf([this.main], kind, api);
    if (this.#opened) return provided(this.#opened, kind, api);
    return deferredTable(() => this.open().then((o) => provided(o, kind, api)), api);
  }

  /** Opens the secondaries once; a failure is the failing call's, and the next call tries again. */
  open(): Promise<OpenedSecondaries> {
    this.#opening ??= openSecondaries(this.entry, this.main, this.ctx).then(
      (o) => (this.#opened = o),
      (e: unknown) => {
        this.#opening = undefined;
        throw e;
      },
    );
    return this.#opening;
  }

  /** Closes the hypervisor's connection and every secondary opened (waiting for one being opened). */
  async close(): Promise<void> {
    const opened = await this.#opening?.catch(() => undefined);
    await Promise.all((opened?.tables ?? [this.main]).map((t) => t.close()));
  }
}

/** The opened secondaries' table of `kind`; NO_SUPPORT naming the package when it is not installed. */
function provided<K extends DriverKind>(opened: OpenedSecondaries, kind: K, api: string): DriverTables[K] | undefined {
  const table = tableOf(opened.tables, kind, api);
  const pkg = table ? undefined : opened.missing.get(kind);
  if (pkg) throw noSupport(`${api}: the package ${pkg} is not installed; install it for ${kind} calls`);
  return table;
}

/** A stand-in table: each entry point waits for `resolve`, then calls the real one (NO_SUPPORT when it has none). */
function deferredTable<T extends object>(resolve: () => Promise<T | undefined>, api: string): T {
  return new Proxy({} as T, {
    get: (_t, key) => {
      // not a thenable, and no symbols: only entry points are looked up on a table
      if (typeof key !== 'string' || key === 'then') return undefined;
      return async (...args: unknown[]) => entryPoint(await resolve(), key as keyof T, api)(...args);
    },
  });
}
