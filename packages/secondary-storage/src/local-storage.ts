import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { formatStoragePoolXML, validateXML, type StoragePoolDef } from '@tsvirt/conf';
import {
  ALL_LIST_STORAGE_POOLS_FLAGS, StoragePoolEventLifecycleType as E, StorageVolType, StoragePoolBuildFlags, StoragePoolCreateFlags, StoragePoolDefineFlags, StoragePoolState, StorageVolCreateFlags,
  StorageVolInfoFlags, StorageVolWipeAlgorithm, StorageXMLFlags, matchesListStoragePoolsFlags,
  type Connection, type StorageDriver, type StoragePoolDriverEvent, type StoragePoolInfo, type StoragePoolRef, type StorageVolInfo, type StorageVolRef, type StorageVolWipeOptions,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, logger, writeFileAtomic, type StreamChunk } from '@tsvirt/util';
import { livePoolXML } from './dir-pool.js';
import type { PoolBackend } from './pool-backend.js';
import { backendOf, parsePoolDefinition } from './pool-backends.js';
import { findPoolSources, poolCapabilitiesXML } from './pool-capabilities.js';
import {
  loadPools, removeConfig, removeState, saveConfig, saveState, setAutostartLink, withPoolsLock, type PoolObject,
} from './pool-store.js';
import { PoolEvents } from './pool-events.js';
import { PoolTable, poolRef, requireActive } from './pool-table.js';
import { autostartedMarker, type StoragePaths } from './storage-paths.js';
import { parseNewVolume } from './volume-def.js';
import { secretReader } from './secret-value.js';
import { volumePassphrase, volumeSecretUUID } from './volume-secret.js';
import { noVol, volRef, volumeFacts, volumeSizes, type VolumeEntry } from './volume-facts.js';
import { checkedCapacity, resizeVolume, wipeVolume } from './volume-ops.js';
import { downloadVolume, uploadVolume } from './volume-stream.js';
import { volumeXML } from './volume-xml.js';

const D = ErrorDomain.STORAGE;
const log = logger('storage.driver');
const BUILD_FLAGS = StoragePoolCreateFlags.WITH_BUILD | StoragePoolCreateFlags.WITH_BUILD_OVERWRITE | StoragePoolCreateFlags.WITH_BUILD_NO_OVERWRITE;

/** The build flags a start with WITH_BUILD_* asks for (undefined: no build). */
function buildFlagsOf(flags: number): number | undefined {
  if (flags & StoragePoolCreateFlags.WITH_BUILD_OVERWRITE) return StoragePoolBuildFlags.OVERWRITE;
  if (flags & StoragePoolCreateFlags.WITH_BUILD_NO_OVERWRITE) return StoragePoolBuildFlags.NO_OVERWRITE;
  return flags & StoragePoolCreateFlags.WITH_BUILD ? 0 : undefined;
}

/** libvirt's refusal of an operation a pool type's backend lacks. */
const unsupported = (what: string): VirError => new VirError(ErrorCode.NO_SUPPORT, what, D);

/** The backend of a pool, and the operation it must have. */
function need<K extends keyof PoolBackend>(def: StoragePoolDef, op: K, what: string): NonNullable<PoolBackend[K]> {
  const fn = backendOf(def.type)[op];
  if (!fn) throw unsupported(what);
  return fn as NonNullable<PoolBackend[K]>;
}

/** A volume by name in a running pool, or libvirt's "no storage vol" error. */
async function volumeByName(def: StoragePoolDef, name: string): Promise<VolumeEntry> {
  const vol = await backendOf(def.type).volume(def, name);
  if (!vol) throw noVol('name', name);
  return vol;
}

/**
 * libvirt's storage driver over one root's files, for the local hypervisor connections: pools
 * whose type has a backend here (see pool-backends.ts); a dir pool's volumes are the files (and
 * linked block devices) of its directory, made with `qemu-img` and plain file operations. Every call reads the pools' files afresh; every change to
 * the pools holds the root's lock, so all processes that open the root see the same pools. Volume
 * operations take no lock: a new volume's name is claimed by creating its file exclusively.
 */
export class LocalStorage implements StorageDriver {
  private readonly events: PoolEvents;
  /**
   * `paths`: the root's files. `connect`: a connection to the same URI through the public API,
   * where the secrets of encrypted volumes are looked up (absent: none can be made).
   */
  constructor(private readonly paths: StoragePaths, private readonly connect?: () => Promise<Connection>) {
    this.events = new PoolEvents(paths.configDir);
  }

  private async table(): Promise<PoolTable> {
    return new PoolTable(await loadPools(this.paths));
  }
  /** Runs a change under the root's lock, on the pools as they are once the lock is held. */
  private change<T>(fn: (t: PoolTable) => Promise<T>): Promise<T> {
    return withPoolsLock(this.paths, async () => fn(await this.table()));
  }
  private async names(active: boolean): Promise<string[]> {
    return (await this.table()).pools.filter((p) => p.active === active).map((p) => p.def.name);
  }
  private async activePool(ref: StoragePoolRef): Promise<PoolObject> {
    return (await this.table()).active(ref);
  }
  /** The volume behind a handle, in its running pool (found by name, as libvirt finds a volume's pool). */
  private async vol(ref: StorageVolRef, t?: PoolTable): Promise<{ pool: PoolObject; vol: VolumeEntry }> {
    const pool = requireActive((t ?? (await this.table())).byName(ref.pool));
    return { pool, vol: await volumeByName(pool.def, ref.name) };
  }
  private activeDefs(t: PoolTable): StoragePoolDef[] {
    return t.pools.filter((p) => p.active).map((p) => p.def);
  }

  async connectNumOfStoragePools(): Promise<number> {
    return (await this.names(true)).length;
  }
  async connectListStoragePools(maxnames: number): Promise<string[]> {
    return (await this.names(true)).slice(0, maxnames);
  }
  async connectNumOfDefinedStoragePools(): Promise<number> {
    return (await this.names(false)).length;
  }
  async connectListDefinedStoragePools(maxnames: number): Promise<string[]> {
    return (await this.names(false)).slice(0, maxnames);
  }
  async connectGetStoragePoolCapabilities(flags: number): Promise<string> {
    return poolCapabilitiesXML(flags);
  }
  async connectFindStoragePoolSources(type: string, srcSpec: string | undefined, flags: number): Promise<string> {
    return findPoolSources(type, srcSpec, flags);
  }
  async connectListAllStoragePools(flags: number): Promise<StoragePoolRef[]> {
    checkFlags(flags, ALL_LIST_STORAGE_POOLS_FLAGS, 'storageConnectListAllStoragePools', D);
    return (await this.table()).pools
      .filter((p) => matchesListStoragePoolsFlags({ active: p.active, persistent: p.config !== undefined, autostart: p.autostart, type: p.def.type }, flags))
      .map(poolRef);
  }

  async storagePoolLookupByName(name: string): Promise<StoragePoolRef> {
    return poolRef((await this.table()).byName(name));
  }
  async storagePoolLookupByUUID(uuid: string): Promise<StoragePoolRef> {
    return poolRef((await this.table()).byUUID(uuid));
  }
  async storagePoolLookupByVolume(vol: StorageVolRef): Promise<StoragePoolRef> {
    return poolRef((await this.table()).byName(vol.pool));
  }

  async storagePoolDefineXML(xml: string, flags: number): Promise<StoragePoolRef> {
    checkFlags(flags, StoragePoolDefineFlags.VALIDATE, 'storagePoolDefineXML', D);
    if (flags & StoragePoolDefineFlags.VALIDATE) await validateXML(xml, 'storagepool.rng');
    const def = parsePoolDefinition(xml);
    const ref = await this.change(async (t) => {
      t.existing(def, false);
      await saveConfig(this.paths, def);
      return { name: def.name, uuid: def.uuid };
    });
    this.events.lifecycle(ref, E.DEFINED);
    return ref;
  }
  async storagePoolCreateXML(xml: string, flags: number): Promise<StoragePoolRef> {
    checkFlags(flags, BUILD_FLAGS, 'storagePoolCreateXML', D);
    const def = parsePoolDefinition(xml);
    const ref = await this.change(async (t) => {
      t.existing(def, true);
      await this.start(def, flags, false);
      return { name: def.name, uuid: def.uuid };
    });
    this.events.lifecycle(ref, E.STARTED);
    return ref;
  }
  /**
   * Starts the pools marked autostart, once per life of the state directory (a boot, for the
   * system and session roots whose state lives in a runtime directory), as libvirt's daemon does
   * when it starts. A pool that cannot start stays stopped, with a warning.
   */
  async autostart(): Promise<void> {
    const marker = autostartedMarker(this.paths);
    if (existsSync(marker)) return;
    await this.change(async (t) => {
      if (existsSync(marker)) return;
      await writeFileAtomic(marker, '', { domain: D });
      for (const obj of t.pools.filter((p) => p.autostart && !p.active)) {
        await this.start(obj.def, 0, obj.config !== undefined).catch((e: unknown) => log.warn(`cannot autostart pool '${obj.def.name}': ${(e as Error).message}`));
      }
    });
  }

  /**
   * Builds (when asked) and checks a pool, then marks it active with `def` (or what the start made
   * of it, saved as the persistent definition too for a persistent pool) as its live definition.
   * A pool whose state cannot be saved is stopped again.
   */
  private async start(def: StoragePoolDef, flags: number, persistent: boolean): Promise<void> {
    const backend = backendOf(def.type);
    const build = buildFlagsOf(flags);
    if (build !== undefined) await backend.build(def, build);
    const live = (await backend.start(def, secretReader(this.connect))) ?? def;
    try {
      if (persistent && live !== def) await saveConfig(this.paths, live);
      await saveState(this.paths, live);
    } catch (e) {
      await backend.stop(live).catch(() => undefined);
      throw e;
    }
  }

  async storagePoolBuild(pool: StoragePoolRef, flags: number): Promise<void> {
    await this.change(async (t) => {
      const { def } = t.inactive(pool, 'already');
      await backendOf(def.type).build(def, flags);
    });
    this.events.lifecycle(pool, E.CREATED);
  }
  async storagePoolUndefine(pool: StoragePoolRef): Promise<void> {
    await this.change(async (t) => {
      await removeConfig(this.paths, t.inactive(pool, 'still').def.name);
    });
    this.events.lifecycle(pool, E.UNDEFINED);
  }
  async storagePoolCreate(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, BUILD_FLAGS, 'storagePoolCreate', D);
    await this.change(async (t) => {
      const obj = t.inactive(pool, 'already');
      await this.start(obj.def, flags, obj.config !== undefined);
    });
    this.events.lifecycle(pool, E.STARTED);
  }
  async storagePoolDestroy(pool: StoragePoolRef): Promise<void> {
    await this.change(async (t) => {
      const { def } = t.active(pool);
      await backendOf(def.type).stop(def);
      await removeState(this.paths, def.name);
    });
    this.events.lifecycle(pool, E.STOPPED);
  }
  async storagePoolDelete(pool: StoragePoolRef, flags: number): Promise<void> {
    await this.change(async (t) => {
      const { def } = t.inactive(pool, 'still');
      await need(def, 'delete', 'pool does not support pool deletion')(def, flags);
    });
    this.events.lifecycle(pool, E.DELETED);
  }
  /** Volumes are read on every call, so a refresh only checks the storage; a pool whose storage went away stops, as in libvirt. */
  async storagePoolRefresh(pool: StoragePoolRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'storagePoolRefresh', D);
    await this.change(async (t) => {
      const obj = t.active(pool);
      await backendOf(obj.def.type).check(obj.def).catch(async (e: unknown) => {
        await removeState(this.paths, obj.def.name);
        this.events.lifecycle(pool, E.STOPPED);
        throw e;
      });
    });
    this.events.refresh(pool);
  }

  async storagePoolGetXMLDesc(pool: StoragePoolRef, flags: number): Promise<string> {
    checkFlags(flags, StorageXMLFlags.INACTIVE, 'storagePoolGetXMLDesc', D);
    const obj = (await this.table()).of(pool);
    // libvirt keeps a second definition only when one was defined while the pool ran: the inactive XML shows it then.
    const pending = obj.active && obj.config && formatStoragePoolXML(obj.config) !== formatStoragePoolXML(obj.def) ? obj.config : undefined;
    if (flags & StorageXMLFlags.INACTIVE && pending) return formatStoragePoolXML(pending);
    if (!obj.active) return formatStoragePoolXML(obj.def);
    const backend = backendOf(obj.def.type);
    return livePoolXML(obj.def, await backend.sizes(obj.def), backend.livePermissions);
  }
  async storagePoolGetInfo(pool: StoragePoolRef): Promise<StoragePoolInfo> {
    const obj = (await this.table()).of(pool);
    if (!obj.active) return { state: StoragePoolState.INACTIVE, capacity: 0n, allocation: 0n, available: 0n };
    return { state: StoragePoolState.RUNNING, ...(await backendOf(obj.def.type).sizes(obj.def)) };
  }
  async storagePoolGetAutostart(pool: StoragePoolRef): Promise<boolean> {
    return (await this.table()).of(pool).autostart;
  }
  async storagePoolSetAutostart(pool: StoragePoolRef, autostart: boolean): Promise<void> {
    await this.change(async (t) => {
      const obj = t.of(pool);
      if (!obj.config) throw new VirError(ErrorCode.INTERNAL_ERROR, 'pool has no config file', D);
      await setAutostartLink(this.paths, obj.def.name, autostart);
    });
  }
  async storagePoolIsActive(pool: StoragePoolRef): Promise<boolean> {
    return (await this.table()).of(pool).active;
  }
  async storagePoolIsPersistent(pool: StoragePoolRef): Promise<boolean> {
    return (await this.table()).of(pool).config !== undefined;
  }

  private async volumes(pool: StoragePoolRef): Promise<VolumeEntry[]> {
    const { def } = await this.activePool(pool);
    return backendOf(def.type).volumes(def);
  }
  async storagePoolNumOfVolumes(pool: StoragePoolRef): Promise<number> {
    return (await this.volumes(pool)).length;
  }
  async storagePoolListVolumes(pool: StoragePoolRef, maxnames: number): Promise<string[]> {
    return (await this.volumes(pool)).slice(0, maxnames).map((v) => v.name);
  }
  async storagePoolListAllVolumes(pool: StoragePoolRef, flags: number): Promise<StorageVolRef[]> {
    checkFlags(flags, 0, 'storagePoolListAllVolumes', D);
    return (await this.volumes(pool)).map(volRef);
  }
  /** The volume of a running pool whose path is `path`: in a dir pool an entry of its directory, else any volume's path. */
  private async volumeByPath(path: string): Promise<VolumeEntry | undefined> {
    const defs = this.activeDefs(await this.table());
    for (const def of defs) {
      if (def.targetPath && dirname(path) === def.targetPath) {
        const vol = await backendOf(def.type).volume(def, basename(path));
        if (vol?.path === path) return vol;
      }
    }
    for (const def of defs) {
      const vol = (await backendOf(def.type).volumes(def)).find((v) => v.path === path);
      if (vol) return vol;
    }
    return undefined;
  }

  async storageVolLookupByName(pool: StoragePoolRef, name: string): Promise<StorageVolRef> {
    return volRef(await volumeByName((await this.activePool(pool)).def, name));
  }
  async storageVolLookupByKey(key: string): Promise<StorageVolRef> {
    const vol = await this.volumeByPath(key);
    if (!vol) throw noVol('key', key, false);
    return volRef(vol);
  }
  async storageVolLookupByPath(path: string): Promise<StorageVolRef> {
    const vol = await this.volumeByPath(isAbsolute(path) ? resolve(path) : path);
    if (!vol) throw noVol('path', path);
    return volRef(vol);
  }

  async storageVolCreateXML(pool: StoragePoolRef, xml: string, flags: number): Promise<StorageVolRef> {
    checkFlags(flags, StorageVolCreateFlags.PREALLOC_METADATA | StorageVolCreateFlags.VALIDATE, 'storageVolCreateXML', D);
    if (flags & StorageVolCreateFlags.VALIDATE) await validateXML(xml, 'storagevol.rng');
    const obj = await this.activePool(pool);
    const vol = parseNewVolume(xml, obj.def);
    const create = need(obj.def, 'createVolume', 'storage pool does not support volume creation');
    if (vol.encryption && !backendOf(obj.def.type).encryptable) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'storage pool does not support encrypted volumes', D);
    await create(obj.def, vol, flags, vol.encryption ? await volumePassphrase(vol, this.connect) : undefined);
    return volRef(await volumeByName(obj.def, vol.name));
  }
  async storageVolCreateXMLFrom(pool: StoragePoolRef, xml: string, clone: StorageVolRef, flags: number): Promise<StorageVolRef> {
    const { PREALLOC_METADATA, REFLINK, VALIDATE } = StorageVolCreateFlags;
    checkFlags(flags, PREALLOC_METADATA | REFLINK | VALIDATE, 'storageVolCreateXMLFrom', D);
    if (flags & VALIDATE) await validateXML(xml, 'storagevol.rng');
    const t = await this.table();
    const obj = t.active(pool);
    const from = await volumeFacts((await this.vol(clone, t)).vol);
    const vol = parseNewVolume(xml, obj.def, from.capacity);
    await need(obj.def, 'cloneVolume', 'storage pool does not support volume creation from an existing volume')(obj.def, vol, from, flags);
    return volRef(await volumeByName(obj.def, vol.name));
  }
  async storageVolDelete(ref: StorageVolRef, flags: number): Promise<void> {
    const { pool, vol } = await this.vol(ref);
    await need(pool.def, 'deleteVolume', 'storage pool does not support vol deletion')(pool.def, vol, flags);
  }
  async storageVolWipe(ref: StorageVolRef, flags: number, options?: StorageVolWipeOptions): Promise<void> {
    await this.storageVolWipePattern(ref, StorageVolWipeAlgorithm.ZERO, flags, options);
  }
  async storageVolWipePattern(ref: StorageVolRef, algorithm: number, flags: number, options?: StorageVolWipeOptions): Promise<void> {
    await wipeVolume(await volumeFacts((await this.vol(ref)).vol), algorithm, flags, options?.onProgress);
  }
  async storageVolResize(ref: StorageVolRef, capacity: bigint, flags: number): Promise<void> {
    const { pool, vol } = await this.vol(ref);
    const backend = backendOf(pool.def.type);
    if (!backend.resizable && !backend.resizeVolume) throw unsupported('storage pool does not support changing of volume capacity');
    const { available } = await backend.sizes(pool.def);
    const facts = await volumeFacts(vol);
    if (backend.resizeVolume) await backend.resizeVolume(pool.def, facts, checkedCapacity(facts, capacity, flags, available));
    else await resizeVolume(facts, capacity, flags, available);
  }
  async storageVolGetXMLDesc(ref: StorageVolRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'storageVolGetXMLDesc', D);
    const v = await volumeFacts((await this.vol(ref)).vol);
    return volumeXML(v, v.encrypted ? await volumeSecretUUID(v.path, this.connect) : undefined);
  }
  async storageVolGetInfo(ref: StorageVolRef): Promise<StorageVolInfo> {
    return this.storageVolGetInfoFlags(ref, 0);
  }
  async storageVolGetInfoFlags(ref: StorageVolRef, flags: number): Promise<StorageVolInfo> {
    checkFlags(flags, StorageVolInfoFlags.GET_PHYSICAL, 'storageVolGetInfoFlags', D);
    const v = await volumeFacts((await this.vol(ref)).vol);
    const type = { file: StorageVolType.FILE, dir: StorageVolType.DIR, block: StorageVolType.BLOCK }[v.type];
    return { type, capacity: v.capacity, allocation: flags & StorageVolInfoFlags.GET_PHYSICAL ? (v.physical ?? 0n) : v.allocation };
  }
  async storageVolGetPath(ref: StorageVolRef): Promise<string> {
    return (await this.vol(ref)).vol.path;
  }
  async storageVolDownload(ref: StorageVolRef, offset: bigint, length: bigint, flags: number): Promise<Readable> {
    return downloadVolume(await volumeSizes((await this.vol(ref)).vol), offset, length, flags);
  }
  async storageVolUpload(ref: StorageVolRef, data: AsyncIterable<StreamChunk>, offset: bigint, length: bigint, flags: number): Promise<void> {
    const { pool, vol } = await this.vol(ref);
    await uploadVolume(await volumeSizes(vol), data, offset, length, flags);
    // libvirt refreshes the pool once an upload has finished, and says so.
    this.events.refresh(poolRef(pool));
  }
  async connectStoragePoolEventRegisterAny(pool: StoragePoolRef | undefined, eventID: number,
    listener: (e: StoragePoolDriverEvent) => void): Promise<() => void> {
    return this.events.register(pool, eventID, listener);
  }
}
