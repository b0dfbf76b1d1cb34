import { volumePart, withVolumePart, type StoragePoolDef, type StorageVolDef } from '@tsvirt/conf';
import type { StoragePoolRef, StorageVolRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { sameStorage } from './pool-source.js';
import type { PoolObject, VolObject } from './pool-object.js';
import { PoolEvents } from './pool-events.js';
import { LazySeed } from '../lazy-seed.js';

const T = ErrorDomain.TEST;
const S = ErrorDomain.STORAGE;

const noPool = (how: string, what: string): VirError =>
  new VirError(ErrorCode.NO_STORAGE_POOL, `no storage pool with matching ${how} '${what}'`, T);
const noVol = (how: string, what: string): VirError =>
  new VirError(ErrorCode.NO_STORAGE_VOL, `no storage vol with matching ${how} '${what}'`, T);

/** The volume with the key and target path libvirt's test driver gives it: both `POOLPATH/NAME`. */
function placeVolume(def: StorageVolDef, path: string): StorageVolDef {
  const keyed = withVolumePart(def, 'key', { ...volumePart(def, 'key'), value: path });
  return withVolumePart(keyed, 'target', { ...volumePart(def, 'target'), path });
}

/** The storage pools of one mock host, with libvirt's lookup, duplicate and bookkeeping rules. */
export class TestPools {
  /** The host's own pools, added at first use. */
  readonly seed = new LazySeed<TestPools>();
  readonly #pools: PoolObject[] = [];

  get pools(): PoolObject[] {
    this.seed.run(this);
    return this.#pools;
  }
  readonly events = new PoolEvents();

  ref(obj: PoolObject): StoragePoolRef {
    return { name: obj.def.name, uuid: obj.def.uuid };
  }
  volRef(obj: PoolObject, vol: VolObject): StorageVolRef {
    return { pool: obj.def.name, name: vol.def.name, key: vol.path };
  }

  byName(name: string): PoolObject {
    const obj = this.pools.find((p) => p.def.name === name);
    if (!obj) throw noPool('name', name);
    return obj;
  }
  byUUID(uuid: string): PoolObject {
    const obj = this.pools.find((p) => p.def.uuid === uuid);
    if (!obj) throw noPool('uuid', uuid);
    return obj;
  }

  /** The pool behind a handle, which must be running (libvirt's test driver finds handles by name). */
  active(name: string): PoolObject {
    const obj = this.byName(name);
    if (!obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `storage pool '${obj.def.name}' is not active`, T);
    return obj;
  }
  /** The pool behind a handle, which must be stopped. */
  inactive(name: string): PoolObject {
    const obj = this.byName(name);
    if (obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `storage pool '${obj.def.name}' is active`, T);
    return obj;
  }

  /**
   * Adds or replaces a definition with libvirt's checks, in its order: no other pool may use the
   * same storage, a UUID may not move to another name nor a name to another UUID, and `live`
   * (createXML) refuses a running pool. A running pool keeps its definition: libvirt's test driver
   * never shows the one given while it runs.
   */
  add(def: StoragePoolDef, live: boolean): PoolObject {
    const clash = this.pools.find((p) => p.def.name !== def.name && sameStorage(p.def, def));
    if (clash) throw new VirError(ErrorCode.OPERATION_FAILED, `Storage source conflict with pool: '${clash.def.name}'`, S);
    const sameUUID = this.pools.find((p) => p.def.uuid === def.uuid);
    if (sameUUID) {
      if (sameUUID.def.name !== def.name) {
        throw new VirError(ErrorCode.OPERATION_FAILED, `pool '${sameUUID.def.name}' is already defined with uuid ${def.uuid}`, S);
      }
      if (sameUUID.active) {
        if (live) throw new VirError(ErrorCode.OPERATION_INVALID, `pool is already active as '${def.name}'`, S);
      } else {
        sameUUID.def = def;
      }
      return sameUUID;
    }
    const sameName = this.pools.find((p) => p.def.name === def.name);
    if (sameName) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `pool '${def.name}' already exists with uuid ${sameName.def.uuid}`, S);
    }
    const obj: PoolObject = { def, active: false, persistent: false, autostart: false, volumes: [] };
    this.pools.push(obj);
    return obj;
  }

  remove(obj: PoolObject): void {
    this.pools.splice(this.pools.indexOf(obj), 1);
  }

  volByName(obj: PoolObject, name: string): VolObject {
    const vol = obj.volumes.find((v) => v.def.name === name);
    if (!vol) throw noVol('name', name);
    return vol;
  }
  /** A volume of any running pool by key or path (the same thing for the test driver's volumes). */
  volBy(how: 'key' | 'path', value: string): { pool: PoolObject; vol: VolObject } {
    for (const pool of this.pools.filter((p) => p.active)) {
      const vol = pool.volumes.find((v) => v.path === value);
      if (vol) return { pool, vol };
    }
    throw noVol(how, value);
  }

  /** Refuses a volume name the pool already has. */
  checkNewVolume(obj: PoolObject, name: string): void {
    if (obj.volumes.some((v) => v.def.name === name)) throw new VirError(ErrorCode.OPERATION_FAILED, 'storage vol already exists', T);
  }

  /**
   * Adds a volume to a pool if its allocation fits in what the pool has left, at `POOLPATH/NAME`
   * (`(null)/NAME` for pools without a target path), which is also its key.
   */
  addVolume(obj: PoolObject, def: StorageVolDef): VolObject {
    if (obj.def.allocation + def.allocation > obj.def.capacity) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `Not enough free space in pool for volume '${def.name}'`, T);
    }
    const path = `${obj.def.targetPath ?? '(null)'}/${def.name}`;
    const vol: VolObject = { def: placeVolume(def, path), path };
    obj.volumes.push(vol);
    this.account(obj, def.allocation);
    return vol;
  }

  removeVolume(obj: PoolObject, vol: VolObject): void {
    obj.volumes.splice(obj.volumes.indexOf(vol), 1);
    this.account(obj, -vol.def.allocation);
  }

  private account(obj: PoolObject, bytes: bigint): void {
    obj.def.allocation += bytes;
    obj.def.available = obj.def.capacity - obj.def.allocation;
  }
}
