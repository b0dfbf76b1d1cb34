import { hostname } from 'node:os';
import { formatDomainXML, parseXml, validateXML } from '@tsvirt/conf';
import { parseTestDomain } from './test-domain-defaults.js';
import {
  DomainCreateFlags, DomainDestroyFlags, DomainRebootFlags, flagMask, DomainDefineFlags, DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason,
  DomainShutoffReason, DomainState, DomainUndefineFlags, DomainXMLFlags, ALL_LIST_DOMAINS_FLAGS, matchesListDomainsFlags,
  type DomainBlockInfo, type DomainBlockStats, type DomainInterfaceStats, type DomainVcpus, type NodeCPUMap,
  type DomainCPUStats, type TypedParameter, type DomainControlInfo, type DomainDiskError, type DomainMemoryStat, type DomainTime,
  type DomainIOThreadInfo, type DomainStatsRecord,
  type DomainInfo, type DomainListFacts, type SnapshotRef, type CheckpointRef, type NodeStat, type DomainRef, type HypervisorDriver, type NodeInfo, type SecurityLabel, type SecurityModel,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { SECURITY_LABEL, SECURITY_MODEL, TEST_HYPERVISOR_VERSION } from './default-config.js';
import { isActive, persistentDef, type DomainObject } from './domain-object.js';
import type { TestHost } from './test-host.js';
import { TEST_CPU_STATS, TEST_SYSINFO_XML, testCapabilitiesXML } from './host/test-capabilities.js';
import { setMemoryFlags } from './domain/memory.js';
import { TEST_MAX_VCPUS, getVcpuPinInfo, getVcpus, getVcpusFlags, nodeGetCPUMap, pinVcpuFlags, setVcpusFlags } from './domain/vcpus.js';
import { cellsFreeMemory, freeMemory, freePages } from './host/free-memory.js';
import { cpuModelNames } from './host/cpu-models.js';
import { baselineCPU } from './host/cpu-baseline.js';
import { blockStats, getBlockInfo, interfaceStats } from './domain/stats.js';
import { SCHEDULER, getCPUStats, getSchedulerParameters, setSchedulerParameters } from './domain/cpu-sched.js';
import { getControlInfo, getDiskErrors, getHostname, getTime, memoryStats, setMemoryStatsPeriod, setTime } from './domain/guest-facts.js';
import { addIOThread, delIOThread, getIOThreadInfo, pinIOThread, setIOThreadParams } from './domain/iothreads.js';
import { allDomainStats } from './domain/all-domain-stats.js';
import { blkioParameterCount, getBlkioParameters, setBlkioParameters } from './domain/blkiotune.js';
import { getPerfEvents, setPerfEvents } from './domain/perf.js';
import { blockIoTuneCount, getBlockIoTune, setBlockIoTune } from './domain/block-iotune.js';
import {
  getEmulatorPinInfo, getInterfaceParameters, getLaunchSecurityInfo, interfaceParameterCount,
  pinEmulator, sendProcessSignal, setInterfaceParameters, setLifecycleAction,
} from './domain/control.js';
import { getMemoryParameters, memoryParameterCount, setMemoryParameters } from './domain/memtune.js';
import { getNumaParameters, numaParameterCount, setNumaParameters } from './domain/numatune.js';
import { managedSave, managedSaveRemove, restoreDomain, saveDomain, saveImageDefine, saveImageXML } from './domain/save-image.js';
import { getMetadata, renameDomain, setMetadata } from './domain/metadata.js';
import { domainMessages } from './domain/taint.js';
import {
  createSnapshot, currentSnapshot, deleteSnapshot, listChildren, listSnapshots, lookupSnapshot, revertToSnapshot, snapshotParent, snapshotXML,
} from './domain/snapshots.js';
import { liveView } from './domain/live-view.js';
import { checkSendKeycodes } from './domain/send-key.js';
import {
  checkpointParent, checkpointXML, createCheckpoint, deleteCheckpoint, listCheckpointChildren, listCheckpoints, lookupCheckpoint,
} from './domain/checkpoints.js';

const D = ErrorDomain.TEST;

/** virDomainObjCheckActive's error, raised by libvirt's domain conf code (ErrorDomain.DOMAIN). */
function notRunning(): VirError {
  return new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
}

/** The mock keeps no checkpoints: every domain has none. */
function listFacts(obj: DomainObject): DomainListFacts {
  return {
    active: isActive(obj), persistent: obj.persistent, state: obj.state, hasManagedSave: obj.hasManagedSave,
    autostart: obj.autostart, hasSnapshot: obj.snapshots.snaps.length > 0, hasCheckpoint: obj.checkpoints.snaps.length > 0,
  };
}

/** The mock hypervisor's entry points, over one TestHost. */
export class TestHypervisor implements HypervisorDriver {
  constructor(private readonly host: TestHost) {}

  async connectGetType(): Promise<string> {
    return 'TEST';
  }
  async connectGetVersion(): Promise<number> {
    return TEST_HYPERVISOR_VERSION;
  }
  async connectGetHostname(): Promise<string> {
    return hostname();
  }
  async nodeGetInfo(): Promise<NodeInfo> {
    return this.host.nodeInfo;
  }
  async nodeGetSecurityModel(): Promise<SecurityModel> {
    return SECURITY_MODEL;
  }
  async connectGetCapabilities(): Promise<string> {
    return testCapabilitiesXML(this.host.cells, SECURITY_MODEL.model);
  }
  async connectGetSysinfo(flags: number): Promise<string> {
    checkFlags(flags, 0, 'testConnectGetSysinfo', D);
    return TEST_SYSINFO_XML;
  }
  /** The same fixed counters for any CPU number, as libvirt's test driver gives. */
  async nodeGetCPUStats(_cpuNum: number, flags: number): Promise<NodeStat[]> {
    checkFlags(flags, 0, 'testNodeGetCPUStats', D);
    return TEST_CPU_STATS.map(([field, value]) => ({ field, value }));
  }

  async connectListAllDomains(flags: number): Promise<DomainRef[]> {
    checkFlags(flags, ALL_LIST_DOMAINS_FLAGS, 'testConnectListAllDomains', D);
    return this.host.domains.filter((d) => matchesListDomainsFlags(listFacts(d), flags)).map((d) => this.host.ref(d));
  }
  async domainLookupByName(name: string): Promise<DomainRef> {
    return this.host.ref(this.host.byName(name));
  }
  async domainLookupByID(id: number): Promise<DomainRef> {
    return this.host.ref(this.host.byID(id));
  }
  async domainLookupByUUID(uuid: string): Promise<DomainRef> {
    return this.host.ref(this.host.byUUID(uuid));
  }

  async domainDefineXML(xml: string, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainDefineFlags.VALIDATE, 'testDomainDefineXMLFlags', D);
    // libvirt reads the document (with its parse errors) before it validates it against the schema.
    if (flags & DomainDefineFlags.VALIDATE) {
      parseXml(xml, 'domain_definition', ErrorDomain.DOMAIN);
      await validateXML(xml, 'domain.rng');
    }
    const def = parseTestDomain(xml);
    const { obj, replaced } = this.host.add(def, true, false);
    this.host.emit(obj, DomainEventType.DEFINED, replaced ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
    return this.host.ref(obj);
  }

  async domainCreateXML(xml: string, flags: number): Promise<DomainRef> {
    // libvirt 9.0's test driver refuses START_PAUSED here (python3-libvirt: unsupported flags (0x1)).
    checkFlags(flags, DomainCreateFlags.START_VALIDATE, 'testDomainCreateXML', D);
    const def = parseTestDomain(xml);
    const { obj } = this.host.add(def, false, true);
    this.host.start(obj, false);
    return this.host.ref(obj);
  }

  async domainUndefine(dom: DomainRef, flags: number): Promise<void> {
    const F = DomainUndefineFlags;
    checkFlags(flags, F.MANAGED_SAVE | F.SNAPSHOTS_METADATA, 'testDomainUndefineFlags', D);
    const obj = this.host.find(dom);
    // libvirt's test driver undefines a transient domain too: it stays running, still transient.
    if (obj.hasManagedSave) {
      if (!(flags & F.MANAGED_SAVE)) {
        throw new VirError(ErrorCode.OPERATION_INVALID, 'Refusing to undefine while domain managed save image exists', D);
      }
      obj.hasManagedSave = false;
    }
    // Snapshot metadata is only emulated: with SNAPSHOTS_METADATA there is nothing to drop.
    const snapshots = obj.snapshots.snaps.length;
    if (!isActive(obj) && snapshots > 0 && !(flags & F.SNAPSHOTS_METADATA)) {
      throw new VirError(ErrorCode.OPERATION_INVALID, `cannot delete inactive domain with ${snapshots} snapshots`, D);
    }
    this.host.emit(obj, DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED);
    if (isActive(obj)) {
      obj.persistent = false;
      obj.newDef = undefined;
    } else {
      this.host.remove(obj);
    }
  }

  async domainCreate(dom: DomainRef, flags: number): Promise<DomainRef> {
    // libvirt 9.0's test driver takes no flags here, START_PAUSED included (python3-libvirt: unsupported flags (0x1)).
    checkFlags(flags, 0, 'testDomainCreateWithFlags', D);
    const obj = this.host.find(dom);
    if (isActive(obj)) throw new VirError(ErrorCode.INTERNAL_ERROR, `Domain '${obj.def.name}' is already running`, D);
    this.host.start(obj, false);
    // The test driver boots afresh and forgets a managed save image.
    obj.hasManagedSave = false;
    return this.host.ref(obj);
  }

  /** libvirt 9.0's test driver takes the descriptors and ignores them: a plain start (its flag checks too). */
  async domainCreateWithFiles(dom: DomainRef, _fds: readonly number[], flags: number): Promise<DomainRef> {
    return this.domainCreate(dom, flags);
  }

  async domainCreateXMLWithFiles(xml: string, _fds: readonly number[], flags: number): Promise<DomainRef> {
    return this.domainCreateXML(xml, flags);
  }

  /** The mock guest has nothing to shut down gracefully: GRACEFUL is accepted and changes nothing. */
  async domainDestroy(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainDestroyFlags.GRACEFUL, 'testDomainDestroyFlags', D);
    const obj = this.host.find(dom);
    if (!isActive(obj)) throw notRunning();
    this.host.stop(obj, DomainShutoffReason.DESTROYED, DomainEventDetail.STOPPED.DESTROYED);
  }

  async domainShutdown(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testDomainShutdownFlags', D);
    const obj = this.host.find(dom);
    // As libvirt's test driver: a paused domain shuts down too.
    if (obj.state === DomainState.SHUTOFF) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `domain '${obj.def.name}' not running`, D);
    }
    this.host.stop(obj, DomainShutoffReason.SHUTDOWN, DomainEventDetail.STOPPED.SHUTDOWN);
  }

  /** The mock guest reboots at once and follows its `on_reboot` action. */
  async domainReboot(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, flagMask(DomainRebootFlags), 'testDomainReboot', D);
    const obj = this.host.find(dom);
    if (!isActive(obj)) throw notRunning();
    const action = obj.def.onReboot;
    if (action === 'destroy' || action === 'coredump-destroy') {
      this.host.stop(obj, DomainShutoffReason.SHUTDOWN, DomainEventDetail.STOPPED.SHUTDOWN);
    } else if (action === 'preserve') {
      obj.state = DomainState.SHUTDOWN;
      obj.reason = 1;
    } else {
      obj.state = DomainState.RUNNING;
      obj.reason = DomainRunningReason.BOOTED;
    }
  }

  async domainReset(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testDomainReset', D);
    const obj = this.host.find(dom);
    if (!isActive(obj)) throw notRunning();
  }

  /** The mock guest has nothing to interrupt: only the domain's state is checked. */
  async domainInjectNMI(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testDomainInjectNMI', D);
    const obj = this.host.find(dom);
    if (!isActive(obj)) throw notRunning();
  }

  /** Keys of a running (or paused) domain are checked against their code set and go nowhere. */
  async domainSendKey(dom: DomainRef, codeset: number, _holdtime: number, keycodes: readonly number[], flags: number): Promise<void> {
    checkFlags(flags, 0, 'testDomainSendKey', D);
    const obj = this.host.find(dom);
    if (!isActive(obj)) throw notRunning();
    checkSendKeycodes(codeset, keycodes);
  }

  /** libvirt's test driver answers a wrong state here with an internal error, shut off or paused alike. */
  async domainSuspend(dom: DomainRef): Promise<void> {
    const obj = this.host.find(dom);
    if (obj.state === DomainState.SHUTOFF || obj.state === DomainState.PAUSED) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `domain '${obj.def.name}' not running`, D);
    }
    obj.state = DomainState.PAUSED;
    obj.reason = DomainPausedReason.USER;
    this.host.emit(obj, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
  }

  async domainResume(dom: DomainRef): Promise<void> {
    const obj = this.host.find(dom);
    if (obj.state !== DomainState.PAUSED) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `domain '${obj.def.name}' not paused`, D);
    }
    obj.state = DomainState.RUNNING;
    obj.reason = DomainRunningReason.UNPAUSED;
    this.host.emit(obj, DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
  }

  async domainGetXMLDesc(dom: DomainRef, flags: number): Promise<string> {
    const X = DomainXMLFlags;
    checkFlags(flags, X.SECURE | X.INACTIVE | X.MIGRATABLE, 'testDomainGetXMLDesc', D);
    const obj = this.host.find(dom);
    const inactive = (flags & X.INACTIVE) !== 0;
    const def = inactive ? persistentDef(obj) : obj.def;
    if (!inactive && isActive(obj)) return formatDomainXML(liveView(def), { id: obj.id });
    return formatDomainXML(def, { inactive });
  }

  /** The mock reports the time of day as CPU time, as libvirt's test driver does. */
  async domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    const obj = this.host.find(dom);
    return {
      state: obj.state as DomainInfo['state'],
      maxMem: obj.def.memoryKiB,
      memory: obj.def.currentMemoryKiB,
      nrVirtCpu: obj.def.vcpu.current ?? obj.def.vcpu.count,
      cpuTime: BigInt(Date.now()) * 1_000_000n,
    };
  }
  async domainGetState(dom: DomainRef, flags: number): Promise<{ state: number; reason: number }> {
    checkFlags(flags, 0, 'testDomainGetState', D);
    const obj = this.host.find(dom);
    return { state: obj.state, reason: obj.reason };
  }
  async domainGetOSType(dom: DomainRef): Promise<string> {
    this.host.find(dom);
    return 'linux';
  }
  async domainIsActive(dom: DomainRef): Promise<boolean> {
    return isActive(this.host.find(dom));
  }
  async domainIsPersistent(dom: DomainRef): Promise<boolean> {
    return this.host.find(dom).persistent;
  }
  async domainGetAutostart(dom: DomainRef): Promise<boolean> {
    return this.host.find(dom).autostart;
  }
  async domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    // libvirt's test driver does not check persistence here.
    this.host.find(dom).autostart = autostart;
  }
  async domainHasManagedSaveImage(dom: DomainRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'testDomainHasManagedSaveImage', D);
    return this.host.find(dom).hasManagedSave;
  }
  async domainGetSecurityLabel(dom: DomainRef): Promise<SecurityLabel> {
    const obj = this.host.find(dom);
    return isActive(obj) ? { label: SECURITY_LABEL, enforcing: true } : { label: '', enforcing: false };
  }

  // Resources, vcpus and statistics (src/domain/); libvirt 9.0's test driver has no device hotplug.
  async domainSetMemoryFlags(dom: DomainRef, kib: number, flags: number): Promise<void> {
    setMemoryFlags(this.host.find(dom), kib, flags);
  }
  async domainSetVcpusFlags(dom: DomainRef, count: number, flags: number): Promise<void> {
    setVcpusFlags(this.host.find(dom), count, flags);
  }
  async domainGetVcpusFlags(dom: DomainRef, flags: number): Promise<number> {
    return getVcpusFlags(this.host.find(dom), flags);
  }
  async domainGetVcpus(dom: DomainRef): Promise<DomainVcpus> {
    return getVcpus(this.host.find(dom), this.host.nodeInfo);
  }
  async domainGetVcpuPinInfo(dom: DomainRef, flags: number): Promise<boolean[][]> {
    return getVcpuPinInfo(this.host.find(dom), flags, this.host.nodeInfo);
  }
  async domainPinVcpuFlags(dom: DomainRef, vcpu: number, cpumap: readonly boolean[], flags: number): Promise<void> {
    pinVcpuFlags(this.host.find(dom), vcpu, cpumap, flags);
  }
  /** testDomainPinVcpu: the flags call with none (the current definition). */
  async domainPinVcpu(dom: DomainRef, vcpu: number, cpumap: readonly boolean[]): Promise<void> {
    pinVcpuFlags(this.host.find(dom), vcpu, cpumap, 0);
  }
  async nodeGetCPUMap(flags: number): Promise<NodeCPUMap> {
    return nodeGetCPUMap(flags);
  }
  async nodeGetFreeMemory(): Promise<bigint> {
    return freeMemory(this.host.cells);
  }
  async nodeGetCellsFreeMemory(startCell: number, maxCells: number): Promise<bigint[]> {
    return cellsFreeMemory(this.host.cells, startCell, maxCells);
  }
  async nodeGetFreePages(pages: readonly number[], _startCell: number, cellCount: number, flags: number): Promise<bigint[]> {
    return freePages(pages.length, cellCount, flags);
  }
  /** Any domain type, even an unknown one, gets the test driver's limit. */
  async connectGetMaxVcpus(): Promise<number> {
    return TEST_MAX_VCPUS;
  }
  async connectGetCPUModelNames(arch: string, flags: number): Promise<string[]> {
    return cpuModelNames(arch, flags);
  }
  async connectBaselineCPU(xmlCPUs: readonly string[], flags: number): Promise<string> {
    return baselineCPU(xmlCPUs, flags);
  }
  async domainBlockStats(dom: DomainRef, disk: string): Promise<DomainBlockStats> {
    return blockStats(this.host.find(dom), disk);
  }
  async domainInterfaceStats(dom: DomainRef, device: string): Promise<DomainInterfaceStats> {
    return interfaceStats(this.host.find(dom), device);
  }
  async domainGetBlockInfo(dom: DomainRef, disk: string, flags: number): Promise<DomainBlockInfo> {
    return getBlockInfo(this.host.find(dom), disk, flags);
  }

  // CPU statistics and the scheduler (src/domain/cpu-sched.ts).
  async domainGetCPUStats(dom: DomainRef, startCpu: number, ncpus: number, flags: number): Promise<DomainCPUStats> {
    return getCPUStats(this.host.find(dom), startCpu, ncpus, flags);
  }
  async domainGetSchedulerType(dom: DomainRef): Promise<{ type: string; nparams: number }> {
    this.host.find(dom);
    return SCHEDULER;
  }
  async domainGetSchedulerParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    this.host.find(dom);
    return getSchedulerParameters(flags);
  }
  async domainSetSchedulerParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    this.host.find(dom);
    setSchedulerParameters(params, flags);
  }

  // What the mock says of the guest: memory counters, clock, hostname, monitor state, disk errors (src/domain/guest-facts.ts).
  async domainMemoryStats(dom: DomainRef, nrStats: number, flags: number): Promise<DomainMemoryStat[]> {
    return memoryStats(this.host.find(dom), nrStats, flags);
  }
  async domainSetMemoryStatsPeriod(dom: DomainRef, period: number, flags: number): Promise<void> {
    setMemoryStatsPeriod(this.host.find(dom), period, flags);
  }
  async domainGetTime(dom: DomainRef, flags: number): Promise<DomainTime> {
    return getTime(this.host.find(dom), flags);
  }
  async domainSetTime(dom: DomainRef, time: DomainTime, flags: number): Promise<void> {
    setTime(this.host.find(dom), time, flags);
  }
  async domainGetHostname(dom: DomainRef, flags: number): Promise<string> {
    return getHostname(this.host.find(dom), flags);
  }
  async domainGetControlInfo(dom: DomainRef, flags: number): Promise<DomainControlInfo> {
    return getControlInfo(this.host.find(dom), flags);
  }
  async domainGetDiskErrors(dom: DomainRef): Promise<DomainDiskError[]> {
    return getDiskErrors(this.host.find(dom));
  }

  // IOThreads and domain statistics (src/domain/iothreads.ts, all-domain-stats.ts).
  async domainGetIOThreadInfo(dom: DomainRef, flags: number): Promise<DomainIOThreadInfo[]> {
    return getIOThreadInfo(this.host.find(dom), flags);
  }
  async domainAddIOThread(dom: DomainRef, iothreadId: number, flags: number): Promise<void> {
    addIOThread(this.host.find(dom), iothreadId, flags);
  }
  async domainDelIOThread(dom: DomainRef, iothreadId: number, flags: number): Promise<void> {
    delIOThread(this.host.find(dom), iothreadId, flags);
  }
  async domainPinIOThread(dom: DomainRef, iothreadId: number, cpumap: readonly boolean[], flags: number): Promise<void> {
    pinIOThread(this.host.find(dom), iothreadId, cpumap, flags);
  }
  async domainSetIOThreadParams(dom: DomainRef, iothreadId: number, params: readonly TypedParameter[], flags: number): Promise<void> {
    setIOThreadParams(this.host.find(dom), iothreadId, params, flags);
  }
  async domainGetNumaParameterCount(dom: DomainRef, flags: number): Promise<number> {
    this.host.find(dom);
    return numaParameterCount(flags);
  }
  async domainGetNumaParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    return getNumaParameters(this.host.find(dom), flags);
  }
  async domainSetNumaParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    setNumaParameters(this.host.find(dom), params, flags);
  }
  async domainGetMemoryParameterCount(dom: DomainRef, flags: number): Promise<number> {
    this.host.find(dom);
    return memoryParameterCount(flags);
  }
  async domainGetMemoryParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    return getMemoryParameters(this.host.find(dom), flags);
  }
  async domainSetMemoryParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    setMemoryParameters(this.host.find(dom), params, flags);
  }
  async domainGetBlkioParameterCount(dom: DomainRef, flags: number): Promise<number> {
    this.host.find(dom);
    return blkioParameterCount(flags);
  }
  async domainGetBlkioParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    return getBlkioParameters(this.host.find(dom), flags);
  }
  async domainSetBlkioParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    setBlkioParameters(this.host.find(dom), params, flags);
  }
  async domainSendProcessSignal(dom: DomainRef, pid: bigint, signum: number, flags: number): Promise<void> {
    sendProcessSignal(pid, signum, flags);
    this.host.find(dom);
  }
  async domainSetLifecycleAction(dom: DomainRef, type: number, action: number, flags: number): Promise<void> {
    setLifecycleAction(this.host.find(dom), type, action, flags);
  }
  async domainGetEmulatorPinInfo(dom: DomainRef, flags: number): Promise<boolean[]> {
    return getEmulatorPinInfo(this.host.find(dom), this.host.nodeInfo, flags);
  }
  async domainPinEmulator(dom: DomainRef, cpumap: readonly boolean[], flags: number): Promise<void> {
    pinEmulator(this.host.find(dom), cpumap, flags);
  }
  async domainGetLaunchSecurityInfo(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    this.host.find(dom);
    return getLaunchSecurityInfo(flags);
  }
  async domainGetBlockIoTuneCount(dom: DomainRef, _disk: string | undefined, flags: number): Promise<number> {
    this.host.find(dom);
    return blockIoTuneCount(flags);
  }
  async domainGetBlockIoTune(dom: DomainRef, disk: string, flags: number): Promise<TypedParameter[]> {
    return getBlockIoTune(this.host.find(dom), disk, flags);
  }
  async domainSetBlockIoTune(dom: DomainRef, disk: string, params: readonly TypedParameter[], flags: number): Promise<void> {
    setBlockIoTune(this.host.find(dom), disk, params, flags);
  }
  async domainGetInterfaceParameterCount(dom: DomainRef, _device: string, flags: number): Promise<number> {
    this.host.find(dom);
    return interfaceParameterCount(flags);
  }
  async domainGetInterfaceParameters(dom: DomainRef, device: string, flags: number): Promise<TypedParameter[]> {
    return getInterfaceParameters(this.host.find(dom), device, flags);
  }
  async domainSetInterfaceParameters(dom: DomainRef, device: string, params: readonly TypedParameter[], flags: number): Promise<void> {
    setInterfaceParameters(this.host.find(dom), device, params, flags);
  }
  async domainGetPerfEvents(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    return getPerfEvents(this.host.find(dom), flags);
  }
  async domainSetPerfEvents(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    setPerfEvents(this.host.find(dom), params, flags);
  }
  async connectGetAllDomainStats(doms: readonly DomainRef[] | undefined, stats: number, flags: number): Promise<DomainStatsRecord[]> {
    const objs = doms ? doms.map((d) => this.host.find(d)) : this.host.domains;
    return allDomainStats(objs, listFacts, stats, flags).map((r) => ({ dom: this.host.ref(r.obj), params: r.params }));
  }

  // Saved images, managed save, metadata, renaming and snapshots (src/domain/save-image.ts, metadata.ts, snapshots.ts).
  async domainSave(dom: DomainRef, path: string, dxml: string | undefined, flags: number): Promise<void> {
    saveDomain(this.host, this.host.find(dom), path, dxml, flags);
  }
  async domainRestore(path: string, dxml: string | undefined, flags: number): Promise<void> {
    restoreDomain(this.host, path, dxml, flags);
  }
  async domainSaveImageGetXMLDesc(path: string, flags: number): Promise<string> {
    return saveImageXML(path, flags);
  }
  async domainSaveImageDefineXML(path: string, dxml: string, flags: number): Promise<void> {
    saveImageDefine(path, dxml, flags);
  }
  async domainManagedSave(dom: DomainRef, flags: number): Promise<void> {
    managedSave(this.host, this.host.find(dom), flags);
  }
  async domainManagedSaveRemove(dom: DomainRef, flags: number): Promise<void> {
    managedSaveRemove(this.host.find(dom), flags);
  }
  async domainGetMessages(dom: DomainRef, flags: number): Promise<string[]> {
    return domainMessages(this.host.find(dom), flags);
  }
  async domainRename(dom: DomainRef, newName: string, flags: number): Promise<DomainRef> {
    const obj = this.host.find(dom);
    renameDomain(this.host, obj, newName, flags);
    return this.host.ref(obj);
  }
  async domainSetMetadata(dom: DomainRef, type: number, metadata: string | undefined, key: string | undefined,
    uri: string | undefined, flags: number): Promise<void> {
    setMetadata(this.host.find(dom), type, metadata, key, uri, flags);
  }
  async domainGetMetadata(dom: DomainRef, type: number, uri: string | undefined, flags: number): Promise<string> {
    return getMetadata(this.host.find(dom), type, uri, flags);
  }
  async domainSnapshotCreateXML(dom: DomainRef, xml: string, flags: number): Promise<SnapshotRef> {
    const obj = this.host.find(dom);
    const name = createSnapshot(this.host, obj, xml, flags);
    return { domain: this.host.ref(obj), name };
  }
  async domainListAllSnapshots(dom: DomainRef, flags: number): Promise<string[]> {
    return listSnapshots(this.host.find(dom), flags);
  }
  async domainSnapshotLookupByName(dom: DomainRef, name: string, flags: number): Promise<SnapshotRef> {
    checkFlags(flags, 0, 'testDomainSnapshotLookupByName', D);
    return { domain: dom, name: lookupSnapshot(this.host.find(dom), name).name };
  }
  async domainHasCurrentSnapshot(dom: DomainRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'testDomainHasCurrentSnapshot', D);
    return this.host.find(dom).snapshots.current !== undefined;
  }
  async domainSnapshotCurrent(dom: DomainRef, flags: number): Promise<SnapshotRef> {
    checkFlags(flags, 0, 'testDomainSnapshotCurrent', D);
    return { domain: dom, name: currentSnapshot(this.host.find(dom)).name };
  }
  async domainSnapshotGetXMLDesc(snap: SnapshotRef, flags: number): Promise<string> {
    return snapshotXML(this.host.find(snap.domain), snap.name, flags);
  }
  async domainSnapshotGetParent(snap: SnapshotRef, flags: number): Promise<SnapshotRef> {
    checkFlags(flags, 0, 'testDomainSnapshotGetParent', D);
    return { domain: snap.domain, name: snapshotParent(this.host.find(snap.domain), snap.name) };
  }
  async domainSnapshotListAllChildren(snap: SnapshotRef, flags: number): Promise<string[]> {
    return listChildren(this.host.find(snap.domain), snap.name, flags);
  }
  async domainSnapshotIsCurrent(snap: SnapshotRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'testDomainSnapshotIsCurrent', D);
    const obj = this.host.find(snap.domain);
    return obj.snapshots.current === lookupSnapshot(obj, snap.name).name;
  }
  /** Every snapshot of the mock has metadata. */
  async domainSnapshotHasMetadata(snap: SnapshotRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'testDomainSnapshotHasMetadata', D);
    lookupSnapshot(this.host.find(snap.domain), snap.name);
    return true;
  }
  async domainRevertToSnapshot(snap: SnapshotRef, flags: number): Promise<void> {
    revertToSnapshot(this.host, this.host.find(snap.domain), snap.name, flags);
  }
  async domainSnapshotDelete(snap: SnapshotRef, flags: number): Promise<void> {
    deleteSnapshot(this.host.find(snap.domain), snap.name, flags);
  }
  // Checkpoints (src/domain/checkpoints.ts).
  async domainCheckpointCreateXML(dom: DomainRef, xml: string, flags: number): Promise<CheckpointRef> {
    const obj = this.host.find(dom);
    return { domain: this.host.ref(obj), name: await createCheckpoint(obj, xml, flags) };
  }
  async domainListAllCheckpoints(dom: DomainRef, flags: number): Promise<string[]> {
    return listCheckpoints(this.host.find(dom), flags);
  }
  async domainCheckpointLookupByName(dom: DomainRef, name: string, flags: number): Promise<CheckpointRef> {
    checkFlags(flags, 0, 'testDomainCheckpointLookupByName', D);
    return { domain: dom, name: lookupCheckpoint(this.host.find(dom), name).name };
  }
  async domainCheckpointGetXMLDesc(cp: CheckpointRef, flags: number): Promise<string> {
    return checkpointXML(this.host.find(cp.domain), cp.name, flags);
  }
  async domainCheckpointGetParent(cp: CheckpointRef, flags: number): Promise<CheckpointRef> {
    checkFlags(flags, 0, 'testDomainCheckpointGetParent', D);
    return { domain: cp.domain, name: checkpointParent(this.host.find(cp.domain), cp.name) };
  }
  async domainCheckpointListAllChildren(cp: CheckpointRef, flags: number): Promise<string[]> {
    return listCheckpointChildren(this.host.find(cp.domain), cp.name, flags);
  }
  async domainCheckpointDelete(cp: CheckpointRef, flags: number): Promise<void> {
    deleteCheckpoint(this.host.find(cp.domain), cp.name, flags);
  }
}
