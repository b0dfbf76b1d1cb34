import { describe, expect, it } from 'vitest';
import {
  Connection, Domain, DomainCheckpoint, DomainSnapshot, ErrorCode, Interface, Network, NetworkPort, NodeDevice,
  NWFilter, NWFilterBinding, Secret, StoragePool, StorageVol, VirError, type DriverConnection,
} from '../src/index.js';
import { DRIVER_KINDS } from '../src/driver/driver-kinds.js';
import { observeAccess, type Access } from '../src/objects/entry-point.js';

/**
 * Every public member of every handle, called with many argument shapes on a read-only
 * connection over tables that record what reaches them. Reads and writes are told apart by the
 * access mode the API itself gives each lookup (its `'write'` argument): every entry point that
 * a call reaches must have been looked up (no way around the check), no write may reach a driver
 * on the read-only connection, and each call that reaches a write on a read-write connection is
 * refused there with OPERATION_DENIED.
 */

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
/** The access mode the API gave each entry-point lookup of the current call, in order. */
const accessed: Array<[string, Access]> = [];
observeAccess((key, access) => accessed.push([key, access]));

/** What a recording entry point answers: enough shape that the handle's own post-processing runs. */
function answer(entry: string): unknown {
  if (/List|Snapshots|Checkpoints|Leases|Ports|Caps|Stats$/.test(entry)) return [];
  return { name: 'x', uuid: UUID, id: 1, pool: 'p', key: '/k', portdev: 'v', filtername: 'f', state: 1, reason: 0, domain: { name: 'x', uuid: UUID, id: 1 } };
}

/** Entry points reached without a lookup through the API's checks (there must be none). */
const unlooked = (reached: readonly string[]): string[] => reached.filter((e) => !accessed.some(([k]) => k === e));
/** Entry points reached that the API looked up as writes in the same call. */
const writesOf = (reached: readonly string[]): string[] => reached.filter((e) => accessed.some(([k, a]) => k === e && a === 'write'));

/** Every table the recording connections hand out, to prove no member returns one. */
const TABLES = new Set<object>();

function recordingConnection(reached: string[]): DriverConnection {
  const table = () => new Proxy({}, {
    get: (_t, key) => typeof key === 'string'
      ? () => {
          reached.push(key);
          return Promise.resolve(answer(key));
        }
      : undefined,
  });
  const tables = Object.fromEntries(DRIVER_KINDS.map((k) => [k, table()]));
  for (const t of Object.values(tables)) TABLES.add(t);
  return { ...tables, events: { subscribe: () => () => undefined }, close: async () => undefined } as DriverConnection;
}

/** Argument shapes tried for every member, so that argument checks let at least one of them through. */
const SHAPES: Array<(n: number, snap: unknown) => unknown[]> = [
  () => [],
  (n) => Array.from({ length: n }, () => 0),
  (n) => Array.from({ length: n }, () => '<x/>'),
  (n) => ['/x', ...Array.from({ length: Math.max(0, n - 1) }, () => 0)],
  (n) => [UUID, ...Array.from({ length: Math.max(0, n - 1) }, () => 0)],
  (n) => [[], ...Array.from({ length: Math.max(0, n - 1) }, () => 0)],
  (n) => [1, 1, ...Array.from({ length: Math.max(0, n - 2) }, () => 0)],
  (n) => ['x', '<x/>', ...Array.from({ length: Math.max(0, n - 2) }, () => 0)],
  (n) => [0, '<x/>', ...Array.from({ length: Math.max(0, n - 2) }, () => 0)],
  () => [new Uint8Array(1), 0],
  (n) => [[{ field: 'x', type: 1, value: 1 }], ...Array.from({ length: Math.max(0, n - 1) }, () => 0)],
  (n) => ['x', [{ field: 'x', type: 1, value: 1 }], ...Array.from({ length: Math.max(0, n - 2) }, () => 0)],
  () => [true],
  () => [() => undefined, 0, () => undefined],
  () => [undefined, 0, () => undefined],
  () => [0, 0n, 0],
  (_n, snap) => [snap, 0],
  // a destination connection (migrate3)
  (_n, snap) => [(snap as DomainSnapshot).getDomain().conn, [], 0],
];

/** Members that reach no driver: names, refs, local helpers (counted so a new one is looked at). */
const UNREACHED = [
  'Connection.domainEvents', 'Connection.getLibVersion', 'Connection.getURI', 'Connection.isReadOnly',
  'Domain.getID', 'Domain.getName', 'Domain.getUUIDString', 'DomainSnapshot.getDomain', 'DomainSnapshot.getName',
  'DomainCheckpoint.getDomain', 'DomainCheckpoint.getName', 'Network.getName', 'Network.getUUIDString',
  'NetworkPort.getUUIDString', 'Interface.getMACString', 'Interface.getName', 'NodeDevice.getName',
  'StoragePool.getName', 'StoragePool.getUUIDString', 'StorageVol.getKey', 'StorageVol.getName',
  'Secret.getUUIDString', 'Secret.getUsageID', 'Secret.getUsageType', 'NWFilter.getName', 'NWFilter.getUUIDString',
  'NWFilterBinding.getFilterName', 'NWFilterBinding.getPortDev',
];

type Target = Record<string, unknown>;

function handles(conn: Connection): Array<[string, Target]> {
  const dom = new Domain(conn, { name: 'd', uuid: UUID, id: 1 });
  const net = new Network(conn, { name: 'n', uuid: UUID });
  const pool = new StoragePool(conn, { name: 'p', uuid: UUID });
  return [
    ['Connection', conn as unknown as Target],
    ['Domain', dom as unknown as Target],
    ['DomainSnapshot', new DomainSnapshot(dom, 's') as unknown as Target],
    ['DomainCheckpoint', new DomainCheckpoint(dom, 'c') as unknown as Target],
    ['Network', net as unknown as Target],
    ['NetworkPort', new NetworkPort(conn, { net: { name: 'n', uuid: UUID }, uuid: UUID }) as unknown as Target],
    ['Interface', new Interface(conn, { name: 'i', mac: '52:54:00:00:00:01' }) as unknown as Target],
    ['NodeDevice', new NodeDevice(conn, { name: 'nd' }) as unknown as Target],
    ['StoragePool', pool as unknown as Target],
    ['StorageVol', new StorageVol(conn, { pool: 'p', name: 'v', key: '/v' }) as unknown as Target],
    ['Secret', new Secret(conn, { uuid: UUID, usageType: 0, usageID: '' }) as unknown as Target],
    ['NWFilter', new NWFilter(conn, { name: 'f', uuid: UUID }) as unknown as Target],
    ['NWFilterBinding', new NWFilterBinding(conn, { portdev: 'v', filtername: 'f' }) as unknown as Target],
  ];
}

/** Every public member name of an object: own fields and the prototype chain's, up to Object. */
function publicMembers(obj: object): string[] {
  const names = new Set<string>(Object.keys(obj));
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  return [...names].sort();
}

async function settle(f: () => unknown): Promise<unknown> {
  try {
    const r = f();
    if (r && typeof (r as AsyncIterator<unknown>).return === 'function' && typeof (r as AsyncIterator<unknown>).next === 'function') {
      await (r as AsyncIterator<unknown>).return!();
    }
    return await r;
  } catch (e) {
    return e;
  }
}

describe('a read-only connection: no public member lets a write reach a driver', () => {
  const rwReached: string[] = [];
  const roReached: string[] = [];
  const rw = new Connection(recordingConnection(rwReached), 'fake:///', false);
  const ro = new Connection(recordingConnection(roReached), 'fake:///', true);
  const rwHandles = handles(rw);
  const roHandles = handles(ro);

  it('exposes no driver table through any member', () => {
    for (const [cls, h] of roHandles) {
      for (const name of publicMembers(h)) {
        const v = h[name];
        expect(TABLES.has(v as object), `${cls}.${name}`).toBe(false);
        if (v && typeof v === 'object') for (const inner of Object.values(v)) expect(TABLES.has(inner as object), `${cls}.${name}`).toBe(false);
      }
      for (const kind of DRIVER_KINDS) expect(kind in h, `${cls}.${kind}`).toBe(false);
    }
  });

  it('refuses every write with OPERATION_DENIED and passes every read', async () => {
    const writes: string[] = [];
    const unreached: string[] = [];
    for (let i = 0; i < rwHandles.length; i++) {
      const [cls, rwh] = rwHandles[i]!;
      const roh = roHandles[i]![1];
      for (const name of publicMembers(rwh)) {
        if (typeof rwh[name] !== 'function' || name === 'close') continue;
        const fn = rwh[name] as (...a: unknown[]) => unknown;
        let reachedWrite: string | undefined;
        let reachedAny = false;
        for (const shape of SHAPES) {
          const args = shape(fn.length, rwHandles[2]![1]);
          rwReached.length = 0;
          accessed.length = 0;
          await settle(() => fn.apply(rwh, args));
          expect(unlooked(rwReached), `${cls}.${name}`).toEqual([]);
          const write = writesOf(rwReached)[0];
          reachedAny ||= rwReached.length > 0;
          if (!write) continue;
          reachedWrite = write;
          roReached.length = 0;
          accessed.length = 0;
          const err = await settle(() => (roh[name] as (...a: unknown[]) => unknown).apply(roh, shape(fn.length, roHandles[2]![1])));
          expect(writesOf(roReached), `${cls}.${name}`).toEqual([]);
          expect(err instanceof VirError && err.code, `${cls}.${name}`).toBe(ErrorCode.OPERATION_DENIED);
          break;
        }
        if (reachedWrite) writes.push(`${cls}.${name}`);
        else if (!reachedAny) unreached.push(`${cls}.${name}`);
      }
    }
    // The walk must actually exercise the writes: the API has well over a hundred.
    expect(writes.length).toBeGreaterThanOrEqual(111);
    // Members that never reached a driver are local (names, refs, events), listed so a new one is looked at.
    expect(unreached).toEqual(UNREACHED);
    // And the read-only connection never let any write through, over every shape tried.
    for (const [cls, h] of roHandles) {
      for (const name of publicMembers(h)) {
        if (typeof h[name] !== 'function' || name === 'close') continue;
        for (const shape of SHAPES) {
          roReached.length = 0;
          accessed.length = 0;
          await settle(() => (h[name] as (...a: unknown[]) => unknown).apply(h, shape((h[name] as () => void).length, roHandles[2]![1])));
          expect(unlooked(roReached), `${cls}.${name}`).toEqual([]);
          expect(writesOf(roReached), `${cls}.${name}`).toEqual([]);
        }
      }
    }
  });
});
