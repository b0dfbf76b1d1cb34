import { resolve } from 'node:path';
import type { QemuMonitorEvent } from '../driver/domain-control-entry-points.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseUUID } from '@tsvirt/conf';
import type { DriverConnection } from '../driver/connection-driver.js';
import type { NodeInfo, SecurityModel } from '../driver/driver-types.js';
import type { NodeStat, SharedDiskEntry } from '../driver/hypervisor-driver.js';
import type { NodeCPUMap } from '../driver/domain-resource-types.js';
import { eventStream, type DomainEvent } from '../events.js';
import { Domain } from './domain.js';
import { checkSaveFlags } from './domain-state-args.js';
import { DomainSaveImageXMLFlags } from '../domain-state-flags.js';
import { StoragePoolEventID } from '../storage-flags.js';
import { NetworkEventID } from '../network-event-flags.js';
import { checkEventID } from './event-id-check.js';
import { DomainEventID } from '../domain-event-flags.js';
import type { DomainDriverEvent } from '../driver/domain-driver-event.js';
import { bindTables, tableCaller } from './handle.js';
import { MAX_LIST } from './limits.js';
import { Network } from './network.js';
import { Interface } from './interface.js';
import { NodeDevice } from './node-device.js';
import { StoragePool } from './storage-pool.js';
import { StorageVol } from './storage-vol.js';
import { Secret } from './secret.js';
import { NWFilter, NWFilterBinding } from './nwfilter.js';
import { checkCellsFreeMemoryArgs, checkPageArgs, genericFailure } from './host-args.js';
import { uuidArg } from './uuid-arg.js';
import type { SecretDriverEvent } from '../driver/secret-driver.js';
import type { StoragePoolDriverEvent } from '../driver/storage-driver.js';
import type { NetworkDriverEvent } from '../driver/network-driver.js';
import type { TypedParameter } from '../typed-params.js';
import type { ConnectCloseReason } from '../close-reason.js';
import type { DriverCloseCallback } from '../driver/close-callback-entry-points.js';

/** A close callback (virConnectCloseFunc): the connection and why it closed. */
export type ConnectionCloseCallback = (conn: Connection, reason: ConnectCloseReason) => void;

/** libvirt's own version, reported by getLibVersion: tsvirt follows libvirt 9.0.0's behaviour. */
export const LIB_VERSION = 9_000_000;

/** An open connection (libvirt's virConnectPtr) to one driver. */
export class Connection {
  #closed = false;
  /**
   * Aborted by close(): ends every event stream still open on the connection. Made when a stream
   * first asks for it (`#closingSignal`): Node loads AbortController's module on first use, which
   * a connection that streams nothing should not pay for.
   */
  #closing: AbortController | undefined;
  /** The connection ended (closed, or its daemon gone): a signal made from now on starts aborted. */
  #ended = false;
  readonly #driver: DriverConnection;
  readonly #uri: string;
  readonly #readonly: boolean;
  /** The registered close callback's driver-side wrapper, by the caller's callback. */
  readonly #closeCallbacks = new Map<ConnectionCloseCallback, DriverCloseCallback>();

  constructor(driver: DriverConnection, uri: string, readonly: boolean) {
    this.#driver = driver;
    this.#uri = uri;
    this.#readonly = readonly;
    bindTables(this, (kind, api) => {
      const live = this.#live(api);
      return live.tableForCall ? live.tableForCall(kind, api) : live[kind];
    });
    // a connection that closed by itself (its daemon gone) ends its event streams too
    const end = (): void => this.#end();
    driver.closed?.then(end, end);
  }

  #end(): void {
    this.#ended = true;
    this.#closing?.abort();
  }

  #closingSignal(): AbortSignal {
    if (!this.#closing) {
      this.#closing = new AbortController();
      if (this.#ended) this.#closing.abort();
    }
    return this.#closing.signal;
  }

  /** The driver connection, or INVALID_CONN naming the public API once closed, as libvirt does. */
  #live(api = 'virConnect'): DriverConnection {
    if (this.#closed) throw new VirError(ErrorCode.INVALID_CONN, api);
    return this.#driver;
  }

  readonly #hv = tableCaller(this, 'hypervisor');
  readonly #net = tableCaller(this, 'network');
  readonly #stor = tableCaller(this, 'storage');
  readonly #ifc = tableCaller(this, 'interface');
  readonly #dev = tableCaller(this, 'nodeDevice');
  readonly #sec = tableCaller(this, 'secret');
  readonly #nwf = tableCaller(this, 'nwfilter');

  getURI(): string {
    this.#live('virConnectGetURI');
    return this.#driver.uri ?? this.#uri;
  }
  getType(): Promise<string> {
    return this.#hv('connectGetType', 'virConnectGetType')();
  }
  getVersion(): Promise<number> {
    return this.#hv('connectGetVersion', 'virConnectGetVersion')();
  }
  async getLibVersion(): Promise<number> {
    return LIB_VERSION;
  }
  getHostname(): Promise<string> {
    return this.#hv('connectGetHostname', 'virConnectGetHostname')();
  }
  getCapabilities(): Promise<string> {
    return this.#hv('connectGetCapabilities', 'virConnectGetCapabilities')();
  }
  nodeGetInfo(): Promise<NodeInfo> {
    return this.#hv('nodeGetInfo', 'virNodeGetInfo')();
  }
  getSecurityModel(): Promise<SecurityModel> {
    return this.#hv('nodeGetSecurityModel', 'virNodeGetSecurityModel')();
  }
  /** virNodeGetCPUStats: one CPU's counters in nanoseconds, or all CPUs' with NODE_CPU_STATS_ALL_CPUS. */
  async getCPUStats(cpuNum: number, flags = 0): Promise<NodeStat[]> {
    return this.#hv('nodeGetCPUStats', 'virNodeGetCPUStats')(cpuNum, flags);
  }
  /** virNodeGetMemoryStats: one cell's counters in KiB, or the host's with NODE_MEMORY_STATS_ALL_CELLS. */
  async getMemoryStats(cellNum: number, flags = 0): Promise<NodeStat[]> {
    return this.#hv('nodeGetMemoryStats', 'virNodeGetMemoryStats')(cellNum, flags);
  }
  /** virNodeGetCPUMap: the host's CPU count and which CPUs are online. */
  getCPUMap(flags = 0): Promise<NodeCPUMap> {
    return this.#hv('nodeGetCPUMap', 'virNodeGetCPUMap')(flags);
  }
  async getSysinfo(flags = 0): Promise<string> {
    return this.#hv('connectGetSysinfo', 'virConnectGetSysinfo')(flags);
  }
  isReadOnly(): boolean {
    return this.#readonly;
  }

  async listAllDomains(flags = 0): Promise<Domain[]> {
    const refs = await this.#hv('connectListAllDomains', 'virConnectListAllDomains')(flags);
    return refs.map((r) => new Domain(this, r));
  }
  /** Statistics (DomainStatsTypes, 0 for all) of every domain the filters of ConnectGetAllDomainStatsFlags match (virConnectGetAllDomainStats). */
  async getAllDomainStats(stats = 0, flags = 0): Promise<Array<{ domain: Domain; params: readonly TypedParameter[] }>> {
    const records = await this.#hv('connectGetAllDomainStats', 'virConnectGetAllDomainStats')(undefined, stats, flags);
    return records.map((r) => ({ domain: new Domain(this, r.dom), params: r.params }));
  }
  /** The same for the given domains, in their order (virDomainListGetStats). */
  async domainListGetStats(doms: readonly Domain[], stats = 0, flags = 0): Promise<Array<{ domain: Domain; params: readonly TypedParameter[] }>> {
    const records = await this.#hv('connectGetAllDomainStats', 'virDomainListGetStats')(doms.map((d) => d.ref), stats, flags);
    return records.map((r) => ({ domain: new Domain(this, r.dom), params: r.params }));
  }
  async lookupByName(name: string): Promise<Domain> {
    return new Domain(this, await this.#hv('domainLookupByName', 'virDomainLookupByName')(name));
  }
  async lookupByID(id: number): Promise<Domain> {
    return new Domain(this, await this.#hv('domainLookupByID', 'virDomainLookupByID')(id));
  }
  async lookupByUUIDString(uuid: string): Promise<Domain> {
    const canonical = parseUUID(uuid);
    if (!canonical) throw new VirError(ErrorCode.INVALID_ARG, `uuidstr in virDomainLookupByUUIDString must be a valid UUID`);
    return new Domain(this, await this.#hv('domainLookupByUUID', 'virDomainLookupByUUIDString')(canonical));
  }
  async defineXML(xml: string, flags = 0): Promise<Domain> {
    return new Domain(this, await this.#hv('domainDefineXML', flags ? 'virDomainDefineXMLFlags' : 'virDomainDefineXML', 'write')(xml, flags));
  }
  async createXML(xml: string, flags = 0): Promise<Domain> {
    return new Domain(this, await this.#hv('domainCreateXML', 'virDomainCreateXML', 'write')(xml, flags));
  }
  /** Creates and starts a transient domain handing its guest this process's descriptors (virDomainCreateXMLWithFiles; DomainCreateFlags). */
  async createXMLWithFiles(xml: string, fds: readonly number[], flags = 0): Promise<Domain> {
    return new Domain(this, await this.#hv('domainCreateXMLWithFiles', 'virDomainCreateXMLWithFiles', 'write')(xml, fds, flags));
  }
  /** Starts the domain a save image holds (virDomainRestoreFlags; DomainSaveRestoreFlags); `dxml` replaces its XML. */
  async restore(path: string, dxml?: string, flags = 0): Promise<void> {
    const call = this.#hv('domainRestore', dxml !== undefined || flags ? 'virDomainRestoreFlags' : 'virDomainRestore', 'write');
    checkSaveFlags(flags);
    await call(resolve(path), dxml, flags);
  }
  /** The domain XML inside a save image (virDomainSaveImageGetXMLDesc; DomainSaveImageXMLFlags). */
  saveImageGetXMLDesc(path: string, flags = 0): Promise<string> {
    if (flags & DomainSaveImageXMLFlags.SECURE && this.#readonly) {
      throw new VirError(ErrorCode.OPERATION_DENIED, 'virDomainSaveImageGetXMLDesc with secure flag');
    }
    return this.#hv('domainSaveImageGetXMLDesc', 'virDomainSaveImageGetXMLDesc')(resolve(path), flags);
  }
  /** Replaces the domain XML inside a save image (virDomainSaveImageDefineXML). */
  async saveImageDefineXML(path: string, dxml: string, flags = 0): Promise<void> {
    const call = this.#hv('domainSaveImageDefineXML', 'virDomainSaveImageDefineXML', 'write');
    checkSaveFlags(flags);
    await call(resolve(path), dxml, flags);
  }

  /** A hypervisor's native configuration (`qemu-argv`, ...) as domain XML (virConnectDomainXMLFromNative). */
  domainXMLFromNative(format: string, config: string, flags = 0): Promise<string> {
    return this.#hv('connectDomainXMLFromNative', 'virConnectDomainXMLFromNative', 'write')(format, config, flags);
  }
  /** Domain XML in a hypervisor's native format (virConnectDomainXMLToNative). */
  domainXMLToNative(format: string, xml: string, flags = 0): Promise<string> {
    return this.#hv('connectDomainXMLToNative', 'virConnectDomainXMLToNative', 'write')(format, xml, flags);
  }
  /** Takes over a QEMU process started outside libvirt (libvirt-qemu's virDomainQemuAttach). */
  async qemuAttach(pid: number, flags = 0): Promise<Domain> {
    return new Domain(this, await this.#hv('qemuAttach', 'virDomainQemuAttach', 'write')(pid, flags));
  }
  /**
   * Listens for QEMU monitor events of one domain or all, of one event name or all
   * (libvirt-qemu's virConnectDomainQemuMonitorEventRegister); returns the deregistration.
   */
  domainQemuMonitorEventRegister(dom: Domain | undefined, event: string | undefined,
    callback: (e: QemuMonitorEvent) => void, flags = 0): Promise<() => Promise<void>> {
    return this.#hv('connectDomainQemuMonitorEventRegister', 'virConnectDomainQemuMonitorEventRegister')(dom?.ref, event, callback, flags);
  }

  async listAllNetworks(flags = 0): Promise<Network[]> {
    const refs = await this.#net('connectListAllNetworks', 'virConnectListAllNetworks')(flags);
    return refs.map((r) => new Network(this, r));
  }
  async networkLookupByName(name: string): Promise<Network> {
    return new Network(this, await this.#net('networkLookupByName', 'virNetworkLookupByName')(name));
  }
  async networkLookupByUUIDString(uuid: string): Promise<Network> {
    const canonical = uuidArg(uuid, 'virNetworkLookupByUUIDString', ErrorDomain.NETWORK);
    return new Network(this, await this.#net('networkLookupByUUID', 'virNetworkLookupByUUIDString')(canonical));
  }
  /**
   * Calls `callback` for each network event `eventID` (NetworkEventID), of `net` only when given;
   * the returned function unregisters it (virConnectNetworkEventRegisterAny).
   */
  async networkEventRegisterAny(net: Network | undefined, eventID: number,
    callback: (net: Network, event: number, detail: number) => void): Promise<() => void> {
    const api = 'virConnectNetworkEventRegisterAny';
    checkEventID(api, eventID, NetworkEventID.LIFECYCLE + 1, ErrorDomain.NETWORK);
    return this.#net('connectNetworkEventRegisterAny', api)(net?.ref, eventID,
      (e: NetworkDriverEvent) => callback(new Network(this, e.net), e.event, e.detail));
  }
  async networkDefineXML(xml: string, flags = 0): Promise<Network> {
    return new Network(this, await this.#net('networkDefineXML', flags ? 'virNetworkDefineXMLFlags' : 'virNetworkDefineXML', 'write')(xml, flags));
  }
  async networkCreateXML(xml: string, flags = 0): Promise<Network> {
    return new Network(this, await this.#net('networkCreateXML', flags ? 'virNetworkCreateXMLFlags' : 'virNetworkCreateXML', 'write')(xml, flags));
  }

  async listAllInterfaces(flags = 0): Promise<Interface[]> {
    const refs = await this.#ifc('connectListAllInterfaces', 'virConnectListAllInterfaces')(flags);
    return refs.map((r) => new Interface(this, r));
  }
  async interfaceLookupByName(name: string): Promise<Interface> {
    return new Interface(this, await this.#ifc('interfaceLookupByName', 'virInterfaceLookupByName')(name));
  }
  async interfaceLookupByMACString(mac: string): Promise<Interface> {
    return new Interface(this, await this.#ifc('interfaceLookupByMACString', 'virInterfaceLookupByMACString')(mac));
  }
  async interfaceDefineXML(xml: string, flags = 0): Promise<Interface> {
    return new Interface(this, await this.#ifc('interfaceDefineXML', 'virInterfaceDefineXML', 'write')(xml, flags));
  }
  async changeBegin(flags = 0): Promise<void> {
    await this.#ifc('interfaceChangeBegin', 'virInterfaceChangeBegin', 'write')(flags);
  }
  async changeCommit(flags = 0): Promise<void> {
    await this.#ifc('interfaceChangeCommit', 'virInterfaceChangeCommit', 'write')(flags);
  }
  async changeRollback(flags = 0): Promise<void> {
    await this.#ifc('interfaceChangeRollback', 'virInterfaceChangeRollback', 'write')(flags);
  }

  async listAllDevices(flags = 0): Promise<NodeDevice[]> {
    const refs = await this.#dev('connectListAllNodeDevices', 'virConnectListAllNodeDevices')(flags);
    return refs.map((r) => new NodeDevice(this, r));
  }
  async nodeDeviceLookupByName(name: string): Promise<NodeDevice> {
    return new NodeDevice(this, await this.#dev('nodeDeviceLookupByName', 'virNodeDeviceLookupByName')(name));
  }
  async nodeDeviceLookupSCSIHostByWWN(wwnn: string, wwpn: string, flags = 0): Promise<NodeDevice> {
    return new NodeDevice(this, await this.#dev('nodeDeviceLookupSCSIHostByWWN', 'virNodeDeviceLookupSCSIHostByWWN')(wwnn, wwpn, flags));
  }
  async nodeDeviceCreateXML(xml: string, flags = 0): Promise<NodeDevice> {
    return new NodeDevice(this, await this.#dev('nodeDeviceCreateXML', 'virNodeDeviceCreateXML', 'write')(xml, flags));
  }
  async nodeDeviceDefineXML(xml: string, flags = 0): Promise<NodeDevice> {
    return new NodeDevice(this, await this.#dev('nodeDeviceDefineXML', 'virNodeDeviceDefineXML', 'write')(xml, flags));
  }

  async listAllStoragePools(flags = 0): Promise<StoragePool[]> {
    const refs = await this.#stor('connectListAllStoragePools', 'virConnectListAllStoragePools')(flags);
    return refs.map((r) => new StoragePool(this, r));
  }
  async storagePoolLookupByName(name: string): Promise<StoragePool> {
    return new StoragePool(this, await this.#stor('storagePoolLookupByName', 'virStoragePoolLookupByName')(name));
  }
  async storagePoolLookupByUUIDString(uuid: string): Promise<StoragePool> {
    const canonical = parseUUID(uuid);
    if (!canonical) {
      const text = 'uuidstr in virStoragePoolLookupByUUIDString must be a valid UUID';
      throw new VirError(ErrorCode.INVALID_ARG, text, ErrorDomain.STORAGE, { message: text });
    }
    return new StoragePool(this, await this.#stor('storagePoolLookupByUUID', 'virStoragePoolLookupByUUIDString')(canonical));
  }
  async storagePoolDefineXML(xml: string, flags = 0): Promise<StoragePool> {
    return new StoragePool(this, await this.#stor('storagePoolDefineXML', 'virStoragePoolDefineXML', 'write')(xml, flags));
  }
  async storagePoolCreateXML(xml: string, flags = 0): Promise<StoragePool> {
    return new StoragePool(this, await this.#stor('storagePoolCreateXML', 'virStoragePoolCreateXML', 'write')(xml, flags));
  }
  async storageVolLookupByPath(path: string): Promise<StorageVol> {
    return new StorageVol(this, await this.#stor('storageVolLookupByPath', 'virStorageVolLookupByPath')(path));
  }
  async storageVolLookupByKey(key: string): Promise<StorageVol> {
    return new StorageVol(this, await this.#stor('storageVolLookupByKey', 'virStorageVolLookupByKey')(key));
  }
  async numOfStoragePools(): Promise<number> {
    return this.#stor('connectNumOfStoragePools', 'virConnectNumOfStoragePools')();
  }
  async listStoragePools(maxnames = MAX_LIST): Promise<string[]> {
    return this.#stor('connectListStoragePools', 'virConnectListStoragePools')(maxnames);
  }
  async numOfDefinedStoragePools(): Promise<number> {
    return this.#stor('connectNumOfDefinedStoragePools', 'virConnectNumOfDefinedStoragePools')();
  }
  async listDefinedStoragePools(maxnames = MAX_LIST): Promise<string[]> {
    return this.#stor('connectListDefinedStoragePools', 'virConnectListDefinedStoragePools')(maxnames);
  }
  /** A `<sources>` document of the pools of `type` the host could define; `srcSpec` is a `<source>` to narrow it. */
  async findStoragePoolSources(type: string, srcSpec?: string, flags = 0): Promise<string> {
    return this.#stor('connectFindStoragePoolSources', 'virConnectFindStoragePoolSources')(type, srcSpec, flags);
  }
  async getStoragePoolCapabilities(flags = 0): Promise<string> {
    return this.#stor('connectGetStoragePoolCapabilities', 'virConnectGetStoragePoolCapabilities')(flags);
  }
  /**
   * Calls `callback` for each storage pool event `eventID` (StoragePoolEventID), of `pool` only when
   * given; the returned function unregisters it (virConnectStoragePoolEventRegisterAny).
   */
  async storagePoolEventRegisterAny(pool: StoragePool | undefined, eventID: number,
    callback: (pool: StoragePool, event: number, detail: number) => void): Promise<() => void> {
    const api = 'virConnectStoragePoolEventRegisterAny';
    checkEventID(api, eventID, StoragePoolEventID.REFRESH + 1, ErrorDomain.STORAGE);
    return this.#stor('connectStoragePoolEventRegisterAny', api)(pool?.ref, eventID,
      (e: StoragePoolDriverEvent) => callback(new StoragePool(this, e.pool), e.event, e.detail));
  }

  /**
   * Domain lifecycle events (defined, started, suspended, resumed, stopped, undefined) with
   * libvirt's event and detail codes, until `signal` aborts, iteration stops or the connection
   * closes (a pending `next()` then ends); of `domain` only, when given.
   */
  domainEvents(options: { signal?: AbortSignal; domain?: Domain } = {}): AsyncIterableIterator<DomainEvent> {
    const source = this.#live('virConnectDomainEventRegisterAny').events;
    if (!source) throw new VirError(ErrorCode.NO_SUPPORT, 'virConnectDomainEventRegisterAny');
    const dom = options.domain?.ref;
    return eventStream(
      (l) => source.subscribe((e) => {
        if (!dom || e.domain.uuid === dom.uuid) l(e);
      }, dom),
      (e) => ({ domain: new Domain(this, e.domain), event: e.event, detail: e.detail }),
      options.signal ? AbortSignal.any([options.signal, this.#closingSignal()]) : this.#closingSignal(),
    );
  }

  /**
   * virConnectDomainEventRegisterAny: calls `callback` with each domain event `eventID`
   * (DomainEventID), of `dom` only when given, until the returned function is called or the
   * connection closes. Lifecycle events come from the connection's event source, the others
   * from the driver.
   */
  async domainEventRegisterAny(dom: Domain | undefined, eventID: number,
    callback: (dom: Domain, event: DomainDriverEvent) => void): Promise<() => void> {
    const api = 'virConnectDomainEventRegisterAny';
    checkEventID(api, eventID, DomainEventID.MEMORY_DEVICE_SIZE_CHANGE + 1, ErrorDomain.DOMAIN);
    const deliver = (e: DomainDriverEvent): void => {
      if (e.eventID === eventID && (!dom || e.domain.uuid === dom.ref.uuid)) callback(new Domain(this, e.domain), e);
    };
    let off: () => void;
    if (eventID === DomainEventID.LIFECYCLE) {
      const source = this.#live(api).events;
      if (!source) throw new VirError(ErrorCode.NO_SUPPORT, api);
      off = source.subscribe((e) => deliver({ eventID: 0, domain: e.domain, event: e.event, detail: e.detail }), dom?.ref);
    } else {
      off = await this.#hv('connectDomainEventRegisterAny', api)(deliver, dom?.ref);
    }
    const stop = (): void => {
      off();
      this.#closingSignal().removeEventListener('abort', stop);
    };
    this.#closingSignal().addEventListener('abort', stop, { once: true });
    return stop;
  }

  /** The QEMU driver's shared-disk table: which active domains use each shared device. */
  listSharedDisks(): Promise<SharedDiskEntry[]> {
    return this.#hv('connectListSharedDisks', 'virConnectListSharedDisks')();
  }

  /** virNodeGetFreeMemory: the host's free memory in bytes. */
  async getFreeMemory(): Promise<bigint> {
    const free = await this.#hv('nodeGetFreeMemory', 'virNodeGetFreeMemory')();
    if (free === 0n) throw genericFailure();
    return free;
  }
  /** virNodeGetCellsFreeMemory: free bytes of up to `maxCells` NUMA cells from `startCell`. */
  async getCellsFreeMemory(startCell: number, maxCells: number): Promise<bigint[]> {
    const call = this.#hv('nodeGetCellsFreeMemory', 'virNodeGetCellsFreeMemory');
    checkCellsFreeMemoryArgs(startCell, maxCells);
    return call(startCell, maxCells);
  }
  /** virNodeGetFreePages: free pages of each size (KiB) per cell, cell after cell. */
  async getFreePages(pages: readonly number[], startCell: number, cellCount: number, flags = 0): Promise<bigint[]> {
    const call = this.#hv('nodeGetFreePages', 'virNodeGetFreePages');
    checkPageArgs(pages.length, cellCount, 'virNodeGetFreePages');
    return call(pages, startCell, cellCount, flags);
  }
  /** virNodeAllocPages (NodeAllocPagesFlags): answers how many page pools changed. */
  async allocPages(pageSizes: readonly number[], pageCounts: readonly bigint[], startCell: number, cellCount: number, flags = 0): Promise<number> {
    const call = this.#hv('nodeAllocPages', 'virNodeAllocPages', 'write');
    checkPageArgs(pageSizes.length, cellCount, 'virNodeAllocPages');
    return call(pageSizes, pageCounts, startCell, cellCount, flags);
  }
  /** virNodeGetMemoryParameters: the shared-memory tunables (NodeMemoryShared). */
  getMemoryParameters(flags = 0): Promise<TypedParameter[]> {
    return this.#hv('nodeGetMemoryParameters', 'virNodeGetMemoryParameters')(flags);
  }
  async setMemoryParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.#hv('nodeSetMemoryParameters', 'virNodeSetMemoryParameters', 'write')(params, flags);
  }
  getSEVInfo(flags = 0): Promise<TypedParameter[]> {
    return this.#hv('nodeGetSEVInfo', 'virNodeGetSEVInfo')(flags);
  }
  /** virNodeSuspendForDuration: NodeSuspendTarget for `duration` seconds. */
  async suspendForDuration(target: number, duration: bigint, flags = 0): Promise<void> {
    await this.#hv('nodeSuspendForDuration', 'virNodeSuspendForDuration', 'write')(target, duration, flags);
  }
  getMaxVcpus(type?: string): Promise<number> {
    return this.#hv('connectGetMaxVcpus', 'virConnectGetMaxVcpus')(type);
  }
  /** CPU models known for `arch`; an empty list means any model is accepted. */
  getCPUModelNames(arch: string, flags = 0): Promise<string[]> {
    return this.#hv('connectGetCPUModelNames', 'virConnectGetCPUModelNames')(arch, flags);
  }
  getDomainCapabilities(emulatorbin?: string, arch?: string, machine?: string, virttype?: string, flags = 0): Promise<string> {
    return this.#hv('connectGetDomainCapabilities', 'virConnectGetDomainCapabilities')(emulatorbin, arch, machine, virttype, flags);
  }
  /** CPUCompareResult of the host CPU against a `<cpu>` (ConnectCompareCPUFlags). */
  compareCPU(xml: string, flags = 0): Promise<number> {
    return this.#hv('connectCompareCPU', 'virConnectCompareCPU')(xml, flags);
  }
  /** The `<cpu>` every one of `xmlCPUs` can provide (ConnectBaselineCPUFlags). */
  baselineCPU(xmlCPUs: readonly string[], flags = 0): Promise<string> {
    return this.#hv('connectBaselineCPU', 'virConnectBaselineCPU')(xmlCPUs, flags);
  }
  compareHypervisorCPU(emulator: string | undefined, arch: string | undefined, machine: string | undefined, virttype: string | undefined,
    xmlCPU: string, flags = 0): Promise<number> {
    return this.#hv('connectCompareHypervisorCPU', 'virConnectCompareHypervisorCPU')(emulator, arch, machine, virttype, xmlCPU, flags);
  }
  baselineHypervisorCPU(emulator: string | undefined, arch: string | undefined, machine: string | undefined, virttype: string | undefined,
    xmlCPUs: readonly string[], flags = 0): Promise<string> {
    return this.#hv('connectBaselineHypervisorCPU', 'virConnectBaselineHypervisorCPU')(emulator, arch, machine, virttype, xmlCPUs, flags);
  }

  async listAllSecrets(flags = 0): Promise<Secret[]> {
    const refs = await this.#sec('connectListAllSecrets', 'virConnectListAllSecrets')(flags);
    return refs.map((r) => new Secret(this, r));
  }
  numOfSecrets(): Promise<number> {
    return this.#sec('connectNumOfSecrets', 'virConnectNumOfSecrets')();
  }
  listSecrets(maxuuids = MAX_LIST): Promise<string[]> {
    return this.#sec('connectListSecrets', 'virConnectListSecrets')(maxuuids);
  }
  /** libvirt checks the text first, then asks the driver through virSecretLookupByUUID. */
  async secretLookupByUUIDString(uuid: string): Promise<Secret> {
    const canonical = uuidArg(uuid, 'virSecretLookupByUUIDString', ErrorDomain.SECRET);
    return new Secret(this, await this.#sec('secretLookupByUUID', 'virSecretLookupByUUID')(canonical));
  }
  /** The secret for a SecretUsageType and usage id (a volume path, a ceph name ...). */
  async secretLookupByUsage(usageType: number, usageID: string): Promise<Secret> {
    return new Secret(this, await this.#sec('secretLookupByUsage', 'virSecretLookupByUsage')(usageType, usageID));
  }
  async secretDefineXML(xml: string, flags = 0): Promise<Secret> {
    return new Secret(this, await this.#sec('secretDefineXML', 'virSecretDefineXML', 'write')(xml, flags));
  }
  /**
   * Calls `callback` for each secret event `eventID` (SecretEventID), of `secret` only when given;
   * the returned function unregisters it (virConnectSecretEventRegisterAny).
   */
  async secretEventRegisterAny(secret: Secret | undefined, eventID: number,
    callback: (secret: Secret, event: number, detail: number) => void): Promise<() => void> {
    return this.#sec('connectSecretEventRegisterAny', 'virConnectSecretEventRegisterAny')(secret?.ref, eventID,
      (e: SecretDriverEvent) => callback(new Secret(this, e.secret), e.event, e.detail));
  }

  async listAllNWFilters(flags = 0): Promise<NWFilter[]> {
    const refs = await this.#nwf('connectListAllNWFilters', 'virConnectListAllNWFilters')(flags);
    return refs.map((r) => new NWFilter(this, r));
  }
  numOfNWFilters(): Promise<number> {
    return this.#nwf('connectNumOfNWFilters', 'virConnectNumOfNWFilters')();
  }
  listNWFilters(maxnames = MAX_LIST): Promise<string[]> {
    return this.#nwf('connectListNWFilters', 'virConnectListNWFilters')(maxnames);
  }
  async nwfilterLookupByName(name: string): Promise<NWFilter> {
    return new NWFilter(this, await this.#nwf('nwfilterLookupByName', 'virNWFilterLookupByName')(name));
  }
  async nwfilterLookupByUUIDString(uuid: string): Promise<NWFilter> {
    const canonical = uuidArg(uuid, 'virNWFilterLookupByUUIDString', ErrorDomain.NWFILTER);
    return new NWFilter(this, await this.#nwf('nwfilterLookupByUUID', 'virNWFilterLookupByUUID')(canonical));
  }
  async nwfilterDefineXML(xml: string, flags = 0): Promise<NWFilter> {
    return new NWFilter(this, await this.#nwf('nwfilterDefineXML', flags ? 'virNWFilterDefineXMLFlags' : 'virNWFilterDefineXML', 'write')(xml, flags));
  }
  async listAllNWFilterBindings(flags = 0): Promise<NWFilterBinding[]> {
    const refs = await this.#nwf('connectListAllNWFilterBindings', 'virConnectListAllNWFilterBindings')(flags);
    return refs.map((r) => new NWFilterBinding(this, r));
  }
  async nwfilterBindingLookupByPortDev(portdev: string): Promise<NWFilterBinding> {
    return new NWFilterBinding(this, await this.#nwf('nwfilterBindingLookupByPortDev', 'virNWFilterBindingLookupByPortDev')(portdev));
  }
  async nwfilterBindingCreateXML(xml: string, flags = 0): Promise<NWFilterBinding> {
    return new NWFilterBinding(this, await this.#nwf('nwfilterBindingCreateXML', 'virNWFilterBindingCreateXML', 'write')(xml, flags));
  }

  /**
   * virConnectRegisterCloseCallback: `cb` is called once, with a ConnectCloseReason, when the
   * connection closes by itself (its daemon killed or gone, keepalive timeout, a broken peer),
   * never on close(). One callback at a time; a connection that cannot close by itself (a local
   * driver) accepts it and never calls it, as libvirt's local drivers do.
   */
  async registerCloseCallback(cb: ConnectionCloseCallback): Promise<void> {
    const api = 'virConnectRegisterCloseCallback';
    const hv = this.#live(api).hypervisor;
    checkCallback(cb, api);
    if (!hv?.connectRegisterCloseCallback) return;
    const wrapper: DriverCloseCallback = (reason) => {
      this.#closeCallbacks.delete(cb);
      cb(this, reason);
    };
    await this.#hv('connectRegisterCloseCallback', api)(wrapper);
    this.#closeCallbacks.set(cb, wrapper);
  }
  /** virConnectUnregisterCloseCallback: `cb` must be the registered callback. */
  async unregisterCloseCallback(cb: ConnectionCloseCallback): Promise<void> {
    const api = 'virConnectUnregisterCloseCallback';
    const hv = this.#live(api).hypervisor;
    checkCallback(cb, api);
    if (!hv?.connectUnregisterCloseCallback) return;
    // a callback never registered stands for itself: the driver refuses it as a different one
    await this.#hv('connectUnregisterCloseCallback', api)(this.#closeCallbacks.get(cb) ?? (() => undefined));
    this.#closeCallbacks.delete(cb);
  }

  /** Closes the connection; later calls on it fail with INVALID_CONN. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#end();
    await this.#driver.close();
  }
}

function checkCallback(cb: unknown, api: string): void {
  if (typeof cb !== 'function') throw new VirError(ErrorCode.INVALID_ARG, `cb in ${api} must not be NULL`);
}
