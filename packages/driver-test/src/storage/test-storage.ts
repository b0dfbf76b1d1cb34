import { formatStoragePoolXML, formatStorageVolXML, validateXML } from '@tsvirt/conf';
import {
  ALL_LIST_STORAGE_POOLS_FLAGS, StoragePoolDefineFlags, StoragePoolEventLifecycleType as E, StoragePoolState, StorageVolCreateFlags, StorageVolType,
  matchesListStoragePoolsFlags, type StorageDriver, type StoragePoolInfo, type StoragePoolRef, type StorageVolInfo,
  type StorageVolRef, type StoragePoolDriverEvent,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { parsePoolXML, parseVolXML } from './storage-xml.js';
import { findPoolSources } from './find-sources.js';
import { setPoolDefaults, type PoolObject, type VolObject } from './pool-object.js';
import type { TestPools } from './test-pools.js';

const D = ErrorDomain.TEST;

/** The volume type virStorageVolGetInfo reports: the pool type's, whatever the volume's XML says. */
const VOL_TYPE_OF_POOL: Readonly<Record<string, number>> = {
  logical: StorageVolType.BLOCK, disk: StorageVolType.BLOCK, iscsi: StorageVolType.BLOCK, scsi: StorageVolType.BLOCK,
  mpath: StorageVolType.BLOCK, zfs: StorageVolType.BLOCK, rbd: StorageVolType.NETWORK, sheepdog: StorageVolType.NETWORK,
  gluster: StorageVolType.NETWORK, 'iscsi-direct': StorageVolType.NETWORK,
};

async function validated(xml: string, flags: number, bit: number, schema: string): Promise<void> {
  if (flags & bit) await validateXML(xml, schema);
}

/** The storage entry points of libvirt's test driver, over one host's pools. */
export class TestStorage implements StorageDriver {
  constructor(private readonly pools: TestPools) {}

  /** Raises a lifecycle event for `obj`, as libvirt's test driver does after each pool operation, and answers its ref. */
  #event(obj: PoolObject, event: number): StoragePoolRef {
    const ref = this.pools.ref(obj);
    this.pools.events.lifecycle(ref, event);
    return ref;
  }

  private names(active: boolean): string[] {
    return this.pools.pools.filter((p) => p.active === active).map((p) => p.def.name);
  }
  private vol(ref: StorageVolRef): { pool: PoolObject; vol: VolObject } {
    const pool = this.pools.active(ref.pool);
    return { pool, vol: this.pools.volByName(pool, ref.name) };
  }

  async connectNumOfStoragePools(): Promise<number> {
    return this.names(true).length;
  }
  async connectListStoragePools(maxnames: number): Promise<string[]> {
    return this.names(true).slice(0, maxnames);
  }
  async connectNumOfDefinedStoragePools(): Promise<number> {
    return this.names(false).length;
  }
  async connectListDefinedStoragePools(maxnames: number): Promise<string[]> {
    return this.names(false).slice(0, maxnames);
  }
  async connectFindStoragePoolSources(type: string, srcSpec: string | undefined, flags: number): Promise<string> {
    return findPoolSources(type, srcSpec, flags);
  }
  async connectListAllStoragePools(flags: number): Promise<StoragePoolRef[]> {
    checkFlags(flags, ALL_LIST_STORAGE_POOLS_FLAGS, 'testConnectListAllStoragePools', D);
    return this.pools.pools
      .filter((p) => matchesListStoragePoolsFlags({ active: p.active, persistent: p.persistent, autostart: p.autostart, type: p.def.type }, flags))
      .map((p) => this.pools.ref(p));
  }

  async storagePoolLookupByName(name: string): Promise<StoragePoolRef> {
    return this.pools.ref(this.pools.byName(name));
  }
  async storagePoolLookupByUUID(uuid: string): Promise<StoragePoolRef> {
    return this.pools.ref(this.pools.byUUID(uuid));
  }
  async storagePoolLookupByVolume(vol: StorageVolRef): Promise<StoragePoolRef> {
    return this.pools.ref(this.pools.byName(vol.pool));
  }

  async storagePoolDefineXML(xml: string, flags: number): Promise<StoragePoolRef> {
    checkFlags(flags, StoragePoolDefineFlags.VALIDATE, 'testStoragePoolDefineXML', D);
    await validated(xml, flags, StoragePoolDefineFlags.VALIDATE, 'storagepool.rng');
    const obj = this.pools.add(parsePoolXML(xml), false);
    setPoolDefaults(obj.def);
    obj.persistent = true;
    return this.#event(obj, E.DEFINED);
  }
  async storagePoolCreateXML(xml: string, flags: number): Promise<StoragePoolRef> {
    checkFlags(flags, 0, 'testStoragePoolCreateXML', D);
    const obj = this.pools.add(parsePoolXML(xml), true);
    setPoolDefaults(obj.def);
    // Started from XML, the pool is transient even over a persistent definition, as in libvirt's test driver.
    obj.persistent = false;
    obj.active = true;
    return this.#event(obj, E.STARTED);
  }

  async storagePoolBuild(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testStoragePoolBuild', D);
    this.#event(this.pools.inactive(pool.name), E.CREATED);
  }
  async storagePoolUndefine(pool: StoragePoolRef): Promise<void> {
    const obj = this.pools.inactive(pool.name);
    this.pools.remove(obj);
    this.#event(obj, E.UNDEFINED);
  }
  async storagePoolCreate(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testStoragePoolCreate', D);
    const obj = this.pools.inactive(pool.name);
    obj.active = true;
    this.#event(obj, E.STARTED);
  }
  async storagePoolDestroy(pool: StoragePoolRef): Promise<void> {
    const obj = this.pools.active(pool.name);
    obj.active = false;
    if (!obj.persistent) this.pools.remove(obj);
    this.#event(obj, E.STOPPED);
  }
  async storagePoolDelete(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testStoragePoolDelete', D);
    this.#event(this.pools.inactive(pool.name), E.DELETED);
  }
  async storagePoolRefresh(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testStoragePoolRefresh', D);
    this.pools.events.refresh(this.pools.ref(this.pools.active(pool.name)));
  }

  async storagePoolGetXMLDesc(pool: StoragePoolRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'testStoragePoolGetXMLDesc', D);
    return formatStoragePoolXML(this.pools.byName(pool.name).def);
  }
  async storagePoolGetInfo(pool: StoragePoolRef): Promise<StoragePoolInfo> {
    const { active, def } = this.pools.byName(pool.name);
    return {
      state: active ? StoragePoolState.RUNNING : StoragePoolState.INACTIVE,
      capacity: def.capacity,
      allocation: def.allocation,
      available: def.available,
    };
  }
  async storagePoolGetAutostart(pool: StoragePoolRef): Promise<boolean> {
    return this.pools.byName(pool.name).autostart;
  }
  async storagePoolSetAutostart(pool: StoragePoolRef, autostart: boolean): Promise<void> {
    const obj = this.pools.byName(pool.name);
    if (!obj.persistent) throw new VirError(ErrorCode.INVALID_ARG, 'pool has no config file', D);
    obj.autostart = autostart;
  }
  async storagePoolIsActive(pool: StoragePoolRef): Promise<boolean> {
    return this.pools.byName(pool.name).active;
  }
  async storagePoolIsPersistent(pool: StoragePoolRef): Promise<boolean> {
    return this.pools.byName(pool.name).persistent;
  }

  async storagePoolNumOfVolumes(pool: StoragePoolRef): Promise<number> {
    return this.pools.active(pool.name).volumes.length;
  }
  async storagePoolListVolumes(pool: StoragePoolRef, maxnames: number): Promise<string[]> {
    return this.pools.active(pool.name).volumes.slice(0, maxnames).map((v) => v.def.name);
  }
  async storagePoolListAllVolumes(pool: StoragePoolRef, flags: number): Promise<StorageVolRef[]> {
    checkFlags(flags, 0, 'testStoragePoolListAllVolumes', D);
    const obj = this.pools.byName(pool.name);
    if (!obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, 'storage pool is not active', D);
    return obj.volumes.map((v) => this.pools.volRef(obj, v));
  }

  async storageVolLookupByName(pool: StoragePoolRef, name: string): Promise<StorageVolRef> {
    const obj = this.pools.active(pool.name);
    return this.pools.volRef(obj, this.pools.volByName(obj, name));
  }
  async storageVolLookupByKey(key: string): Promise<StorageVolRef> {
    const { pool, vol } = this.pools.volBy('key', key);
    return this.pools.volRef(pool, vol);
  }
  async storageVolLookupByPath(path: string): Promise<StorageVolRef> {
    const { pool, vol } = this.pools.volBy('path', path);
    return this.pools.volRef(pool, vol);
  }

  async storageVolCreateXML(pool: StoragePoolRef, xml: string, flags: number): Promise<StorageVolRef> {
    checkFlags(flags, StorageVolCreateFlags.VALIDATE, 'testStorageVolCreateXML', D);
    await validated(xml, flags, StorageVolCreateFlags.VALIDATE, 'storagevol.rng');
    const obj = this.pools.active(pool.name);
    const def = parseVolXML(xml, obj.def);
    this.pools.checkNewVolume(obj, def.name);
    return this.pools.volRef(obj, this.pools.addVolume(obj, def));
  }
  async storageVolCreateXMLFrom(pool: StoragePoolRef, xml: string, clone: StorageVolRef, flags: number): Promise<StorageVolRef> {
    checkFlags(flags, StorageVolCreateFlags.VALIDATE, 'testStorageVolCreateXMLFrom', D);
    await validated(xml, flags, StorageVolCreateFlags.VALIDATE, 'storagevol.rng');
    const obj = this.pools.active(pool.name);
    const def = parseVolXML(xml, obj.def);
    this.pools.checkNewVolume(obj, def.name);
    // The test driver copies nothing: the source volume must only exist in the new volume's pool.
    this.pools.volByName(obj, clone.name);
    return this.pools.volRef(obj, this.pools.addVolume(obj, def));
  }
  async storageVolDelete(ref: StorageVolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testStorageVolDelete', D);
    const { pool, vol } = this.vol(ref);
    this.pools.removeVolume(pool, vol);
  }
  async storageVolGetXMLDesc(ref: StorageVolRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'testStorageVolGetXMLDesc', D);
    return formatStorageVolXML(this.vol(ref).vol.def);
  }
  async storageVolGetInfo(ref: StorageVolRef): Promise<StorageVolInfo> {
    const { pool, vol } = this.vol(ref);
    return {
      type: VOL_TYPE_OF_POOL[pool.def.type] ?? StorageVolType.FILE,
      capacity: vol.def.capacity,
      allocation: vol.def.allocation,
    };
  }
  async storageVolGetPath(ref: StorageVolRef): Promise<string> {
    return this.vol(ref).vol.path;
  }
  async connectStoragePoolEventRegisterAny(pool: StoragePoolRef | undefined, eventID: number,
    listener: (e: StoragePoolDriverEvent) => void): Promise<() => void> {
    return this.pools.events.subscribe(pool, eventID, listener);
  }
}
