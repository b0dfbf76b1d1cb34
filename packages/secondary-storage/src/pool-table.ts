import type { StoragePoolDef } from '@tsvirt/conf';
import type { StoragePoolRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { PoolObject } from './pool-store.js';
import { sameStorage } from './pool-xml.js';

const D = ErrorDomain.STORAGE;

export const noPool = (how: string, what: string): VirError =>
  new VirError(ErrorCode.NO_STORAGE_POOL, `no storage pool with matching ${how} '${what}'`, D);

export const poolRef = (obj: PoolObject): StoragePoolRef => ({ name: obj.def.name, uuid: obj.def.uuid });

/** A pool that must be running. */
export function requireActive(obj: PoolObject): PoolObject {
  if (!obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `storage pool '${obj.def.name}' is not active`, D);
  return obj;
}

/** The pools of a root as loaded for one call, with libvirt's lookups, state checks and duplicate rules. */
export class PoolTable {
  constructor(readonly pools: readonly PoolObject[]) {}

  private find(how: 'name' | 'uuid', value: string): PoolObject {
    const obj = this.pools.find((p) => p.def[how] === value);
    if (!obj) throw noPool(how, value);
    return obj;
  }
  byName(name: string): PoolObject {
    return this.find('name', name);
  }
  byUUID(uuid: string): PoolObject {
    return this.find('uuid', uuid);
  }
  /** The pool behind a handle: found by UUID, the message naming both (libvirt's storagePoolObjFindByUUID). */
  of(ref: StoragePoolRef): PoolObject {
    const obj = this.pools.find((p) => p.def.uuid === ref.uuid);
    if (!obj) throw new VirError(ErrorCode.NO_STORAGE_POOL, `no storage pool with matching uuid '${ref.uuid}' (${ref.name})`, D);
    return obj;
  }
  /** The pool behind a handle, which must be running. */
  active(ref: StoragePoolRef): PoolObject {
    return requireActive(this.of(ref));
  }
  /** The pool behind a handle, which must be stopped; `still` for removals, `already` for starts and builds. */
  inactive(ref: StoragePoolRef, how: 'still' | 'already'): PoolObject {
    const obj = this.of(ref);
    if (obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `storage pool '${obj.def.name}' is ${how} active`, D);
    return obj;
  }

  /**
   * The pool a new definition replaces (undefined when it is new), after libvirt's checks in its
   * order: no other pool may use the same storage (directory, or fs device), a UUID may not move to another name nor a name
   * to another UUID, and `live` (createXML) refuses a running pool.
   */
  existing(def: StoragePoolDef, live: boolean): PoolObject | undefined {
    const clash = this.pools.find((p) => p.def.name !== def.name && sameStorage(p.def, def));
    if (clash) throw new VirError(ErrorCode.OPERATION_FAILED, `Storage source conflict with pool: '${clash.def.name}'`, D);
    const sameUUID = this.pools.find((p) => p.def.uuid === def.uuid);
    if (sameUUID) {
      if (sameUUID.def.name !== def.name) {
        throw new VirError(ErrorCode.OPERATION_FAILED, `pool '${sameUUID.def.name}' is already defined with uuid ${def.uuid}`, D);
      }
      if (live && sameUUID.active) throw new VirError(ErrorCode.OPERATION_INVALID, `pool is already active as '${def.name}'`, D);
      return sameUUID;
    }
    const sameName = this.pools.find((p) => p.def.name === def.name);
    if (sameName) throw new VirError(ErrorCode.OPERATION_FAILED, `pool '${def.name}' already exists with uuid ${sameName.def.uuid}`, D);
    return undefined;
  }
}
