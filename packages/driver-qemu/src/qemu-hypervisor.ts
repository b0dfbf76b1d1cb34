import { rmSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { dirname } from 'node:path';
import { cpus, hostname, totalmem } from 'node:os';
import { formatDomainXML, parseDomainXML, parseXml, type DomainDef, type XmlElement } from '@tsvirt/conf';
import {
  DomainCreateFlags, DomainDefineFlags, DomainDeviceModifyFlags, DomainEventDetail, DomainEventType,
  DomainPausedReason, DomainQemuMonitorCommandFlags, DomainRunningReason, DomainShutoffReason, DomainState,
  DomainUndefineFlags, DomainXMLFlags, ListDomainsFlags, ALL_LIST_DOMAINS_FLAGS, ConnectGetAllDomainStatsFlags, matchesListDomainsFlags,
  DomainConsoleFlags, DomainModificationImpact, DomainShutdownFlags, DomainVcpuFlags, DomainInterfaceAddressesSource, type DomainGuestVcpus, type DomainVcpus, type TypedParameter, type DomainFSInfo, type DomainTime,
  type DomainBlockStats, type DomainMemoryStat, type DomainScreenshot, type DomainDriverEvent, type QemuMonitorEvent, type DomainStatsRecord, type DomainInterface, type DomainListFacts, type DomainInfo, type NodeCPUMap, type DomainRef, type HypervisorDriver, type NodeInfo, type SecurityLabel, type SecurityModel, type SharedDiskEntry,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkDomainIdentity, checkFlags } from '@tsvirt/util';
import { formatNode } from './command/disk-props.js';
import { disksOf } from './devices/qemu-disk.js';
import type { DriverContext } from './driver/driver-context.js';
import { domainJob, noDomain, notRunning, readDomain, requireActive } from './driver/domain-access.js';
import { parseQemuDomain } from './driver/domain-define.js';
import { startDomain, type StartOptions } from './driver/domain-start.js';
import { getAutostart, setAutostart } from './driver/domain-autostart.js';
import { renameDomain } from './driver/domain-rename.js';
import { setMemory, setVcpus, vcpuCount } from './driver/domain-resources.js';
import { setVcpu } from './vcpu/set-vcpu.js';
import { domainVcpus, vcpuPinInfo } from './vcpu/vcpu-info.js';
import { pinVcpu } from './vcpu/pin-vcpu.js';
import { hostCpuMap } from './vcpu/host-cpu-map.js';
import { memoryStats, setMemoryStatsPeriod } from './driver/memory-stats.js';
import { setLifecycleAction } from './driver/lifecycle-action.js';
import { blockIoTuneCount, getBlockIoTune, setBlockIoTune } from './iotune/block-iotune.js';
import { emulatorPinInfo, pinEmulator } from './cputune/emulator-pin.js';
import { interfaceParameterCount, interfaceParameters, setInterfaceParameters } from './driver/interface-tune.js';
import { domainXMLToNative } from './driver/xml-to-native.js';
import { SAVE_FLAGS, hasManagedSave, managedSaveNames, managedSavePath, runsAfterRestore, saveDomain } from './save/domain-save.js';
import { readSaveImage } from './save/save-image.js';
import { coreDump } from './save/domain-dump.js';
import { tearDown } from './driver/domain-stop.js';
import { withMonitor } from './driver/monitor.js';
import { QEMU_STATS, domainStats } from './driver/domain-stats.js';
import { interfaceAddresses } from './network/interface-addresses.js';
import { configChange, liveChange } from './hotplug/device-change.js';
import { anyDeviceByAlias, deviceByAlias, liveRefusal, type DeviceByAlias } from './hotplug/device-alias.js';
import { isWholeKind } from './hotplug/whole-device-find.js';
import { unplugWhole } from './hotplug/whole-unplug.js';
import { withDeviceAliases } from './devices/device-aliases.js';
import { detachWholeConfig, removedWhole } from './hotplug/config-detach.js';
import { updateConfig, updateLive } from './hotplug/device-update.js';
import { sharedDiskEntries } from './shared-disks/shared-disk-table.js';
import { takeScreenshot } from './input/screenshot.js';
import { openConsole } from './console/console-open.js';
import { blockJobEntryPoints } from './blockjob/block-entry-points.js';
import { migrationEntryPoints, suspendWhileSending } from './migration/migration-entry-points.js';
import { snapshotEntryPoints } from './snapshot/snapshot-entry-points.js';
import { blockInfoEntryPoints } from './blockjob/block-info.js';
import { removeAllSnapshots, snapshotCount } from './snapshot/snapshot-store.js';
import { QemuAgentEntryPoints } from './agent/agent-entry-points.js';
import { isActiveStatus } from './state/domain-status.js';
import { registerMonitorEvents } from './events/monitor-events.js';
import { dropPendingReboot, lifecycleOf } from './events/lifecycle-actions.js';
import { removeTpmState } from './tpm/swtpm-emulator.js';
import { undefineNvram } from './firmware/nvram-store.js';
import { writeStatus } from './state/run-status.js';
import { GUEST_ARCH, currentDef, qemuStore, uuidOf, type QemuStore, type StoredDomain } from './state/qemu-store.js';
import { checkEmulator } from './process/emulator-check.js';
import { domainCache, type DomainCache } from './state/domain-cache.js';
import { fdGroupEntryPoints } from './fdgroup/fd-group-entry-points.js';

const D = ErrorDomain.QEMU;
/** QEMU's version as libvirt encodes it (the installed 7.2). */
const QEMU_VERSION = 7_002_000;

function refOf(d: StoredDomain): DomainRef {
  return { name: d.name, uuid: uuidOf(d), id: isActiveStatus(d.status) ? d.status.id : -1 };
}

function stateOf(d: StoredDomain): { state: number; reason: number } {
  if (isActiveStatus(d.status)) return { state: d.status.state, reason: d.status.reason };
  return { state: DomainState.SHUTOFF, reason: d.status?.reason ?? DomainShutoffReason.UNKNOWN };
}

/** The driver keeps no checkpoints yet. */
function listFacts(d: StoredDomain, managedSave: boolean, hasSnapshot: boolean, autostart: boolean): DomainListFacts {
  return {
    active: isActiveStatus(d.status), persistent: d.hasConfig, state: stateOf(d).state,
    hasManagedSave: managedSave, autostart, hasSnapshot, hasCheckpoint: false,
  };
}

/** Per domain, whether a filter's fact holds, looked up only when the flags ask about it. */
function factsWhen(ask: boolean, all: readonly StoredDomain[], fn: (d: StoredDomain) => Promise<boolean>): Promise<boolean[] | undefined> {
  return ask ? Promise.all(all.map(fn)) : Promise.resolve(undefined);
}

/** CPU time of a process from /proc, in nanoseconds. */
async function cpuTimeNs(pid: number | undefined): Promise<bigint> {
  if (pid === undefined) return 0n;
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = BigInt(Number(f[11] ?? 0) + Number(f[12] ?? 0));
  return ticks * 10_000_000n;
}

type RootEntryPoints = ReturnType<typeof blockJobEntryPoints> & ReturnType<typeof migrationEntryPoints> & ReturnType<typeof snapshotEntryPoints> & ReturnType<typeof blockInfoEntryPoints>;
const rootEntryPointsMade = new WeakMap<DriverContext, RootEntryPoints>();

/**
 * The entry points that live beside their implementation (blockjob/, migration/, snapshot/) and
 * depend only on the root's driver instance: made once per root, not for every connection.
 */
function rootEntryPoints(drv: DriverContext): RootEntryPoints {
  let made = rootEntryPointsMade.get(drv);
  if (!made) {
    made = { ...blockJobEntryPoints(drv), ...migrationEntryPoints(drv), ...snapshotEntryPoints(drv), ...blockInfoEntryPoints(drv) };
    rootEntryPointsMade.set(drv, made);
  }
  return made;
}

/** The QEMU driver's hypervisor entry points over one driver instance. */
export class QemuHypervisor implements HypervisorDriver {
  constructor(private readonly drv: DriverContext) {
    Object.assign(this, rootEntryPoints(drv));
    // Descriptor groups (fdgroup/), associated for this connection's life.
    Object.assign(this, fdGroupEntryPoints(drv, this));
  }

  private get paths() {
    return this.drv.paths;
  }
  private get store(): QemuStore {
    return qemuStore(this.drv.paths);
  }
  /** The domains as last read, for the calls that only look. */
  private get cache(): DomainCache {
    return domainCache(this.drv.paths);
  }

  async connectGetType(): Promise<string> {
    return 'QEMU';
  }
  async connectGetVersion(): Promise<number> {
    return QEMU_VERSION;
  }
  async connectGetHostname(): Promise<string> {
    return hostname();
  }
  async nodeGetInfo(): Promise<NodeInfo> {
    const c = cpus();
    return { model: 'x86_64', memory: BigInt(Math.floor(totalmem() / 1024)), cpus: c.length, mhz: c[0]?.speed ?? 0, nodes: 1, sockets: 1, cores: c.length, threads: 1 };
  }

  nodeGetCPUMap(flags: number): Promise<NodeCPUMap> {
    return hostCpuMap(flags);
  }

  /** Like libvirt with `security_driver = "none"`: no confinement, no labels. */
  async nodeGetSecurityModel(): Promise<SecurityModel> {
    return { model: 'none', doi: '0' };
  }
  async domainGetSecurityLabel(dom: DomainRef): Promise<SecurityLabel> {
    await readDomain(this.drv, dom);
    return { label: '', enforcing: false };
  }

  async connectGetAllDomainStats(doms: readonly DomainRef[] | undefined, stats: number, flags: number): Promise<DomainStatsRecord[]> {
    const F = ConnectGetAllDomainStatsFlags;
    checkFlags(flags, ALL_LIST_DOMAINS_FLAGS | F.NOWAIT | F.BACKING | F.ENFORCE_STATS, 'qemuConnectGetAllDomainStats', D);
    const unsupported = stats & ~QEMU_STATS;
    if (unsupported && flags & F.ENFORCE_STATS) {
      throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `Stats types bits 0x${unsupported.toString(16)} are not supported by this daemon`, D);
    }
    const groups = stats === 0 ? QEMU_STATS : stats & QEMU_STATS;
    const refs = doms ?? (await this.connectListAllDomains(flags & ALL_LIST_DOMAINS_FLAGS));
    const out: DomainStatsRecord[] = [];
    // No groups asked means every group there is, none of them enforced.
    const how = { backing: (flags & F.BACKING) !== 0, enforce: (flags & F.ENFORCE_STATS) !== 0 && stats !== 0 };
    for (const ref of refs) {
      // Under the job lock: the monitor serves one client, and the status must not change midway.
      out.push(await domainJob(this.drv, ref, false, async (d) => ({ dom: refOf(d), params: await domainStats(d, stateOf(d), groups, how) })));
    }
    return out;
  }

  async connectListAllDomains(flags: number): Promise<DomainRef[]> {
    checkFlags(flags, ALL_LIST_DOMAINS_FLAGS, 'qemuConnectListAllDomains', D);
    const all = await this.cache.loadAll();
    const saved = managedSaveNames(this.paths);
    const L = ListDomainsFlags;
    // Snapshot directories and autostart links are read only when a filter asks about them.
    const [snaps, auto] = await Promise.all([
      factsWhen((flags & (L.HAS_SNAPSHOT | L.NO_SNAPSHOT)) !== 0, all, async (d) => (await snapshotCount(this.paths, d.name)) > 0),
      factsWhen((flags & (L.AUTOSTART | L.NO_AUTOSTART)) !== 0, all, (d) => this.store.hasAutostart(d.name)),
    ]);
    return all.filter((d, i) => matchesListDomainsFlags(listFacts(d, saved.has(d.name), snaps?.[i] ?? false, auto?.[i] ?? false), flags)).map(refOf);
  }
  async domainLookupByName(name: string): Promise<DomainRef> {
    const d = await this.cache.load(name);
    if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching name '${name}'`, D);
    return refOf(d);
  }
  async domainLookupByID(id: number): Promise<DomainRef> {
    const d = (await this.cache.loadAll()).find((x) => isActiveStatus(x.status) && x.status.id === id);
    if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching id ${id}`, D);
    return refOf(d);
  }
  async domainLookupByUUID(uuid: string): Promise<DomainRef> {
    const d = (await this.cache.loadAll()).find((x) => uuidOf(x) === uuid);
    if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${uuid}'`, D);
    return refOf(d);
  }

  /** Checks a definition's name and UUID against the other domains; the caller holds the driver lock. */
  private async checkIdentity(name: string, uuid: string): Promise<StoredDomain | undefined> {
    return checkDomainIdentity(await this.store.loadAll(), uuidOf, name, uuid, D);
  }

  async domainDefineXML(xml: string, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainDefineFlags.VALIDATE, 'qemuDomainDefineXMLFlags', D);
    const def = parseQemuDomain(xml);
    await checkEmulator(def);
    return this.store.withDomainJob(def.name, async () => {
      const existing = await this.store.withDriverLock(async () => {
        const found = await this.checkIdentity(def.name, def.uuid);
        await this.store.saveConfig(def.name, formatDomainXML(def, { inactive: true }));
        return found;
      });
      const status = existing?.status;
      if (isActiveStatus(status) && !status.persistent) {
        status.persistent = true;
        await writeStatus(this.paths, status);
      }
      const ref = { name: def.name, uuid: def.uuid, id: isActiveStatus(status) ? status.id : -1 };
      this.drv.events.raise(ref, DomainEventType.DEFINED, existing?.persistentDef ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
      return ref;
    });
  }

  async domainCreateXML(xml: string, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_VALIDATE, 'qemuDomainCreateXML', D);
    return this.startTransient(parseQemuDomain(xml), { paused: (flags & DomainCreateFlags.START_PAUSED) !== 0 });
  }

  /** Starts a definition as it stands (createXML, restore): it may share the name and UUID only of a stopped domain. */
  private startTransient(def: DomainDef, opts: Omit<StartOptions, 'persistent'>): Promise<DomainRef> {
    return this.store.withDomainJob(def.name, async () => {
      const existing = await this.store.withDriverLock(() => this.checkIdentity(def.name, def.uuid));
      if (existing && isActiveStatus(existing.status)) {
        throw new VirError(ErrorCode.OPERATION_INVALID, `domain '${def.name}' is already active`, D);
      }
      const s = await startDomain(this.drv, def, { ...opts, persistent: existing?.persistentDef !== undefined });
      return { name: s.name, uuid: s.uuid, id: s.id };
    });
  }

  async domainSave(dom: DomainRef, path: string, dxml: string | undefined, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => saveDomain(this.drv, requireActive(d), path, dxml, flags, 'qemuDomainSaveFlags'));
  }

  async domainRestore(path: string, dxml: string | undefined, flags: number): Promise<void> {
    checkFlags(flags, SAVE_FLAGS, 'qemuDomainRestoreFlags', D);
    const image = await readSaveImage(path);
    const def = parseQemuDomain(dxml ?? image.xml, false);
    const paused = !runsAfterRestore(flags, image.wasRunning);
    await this.startTransient(def, { paused, restoreFrom: { path, offset: image.streamOffset } });
  }

  async domainSaveImageGetXMLDesc(path: string, flags: number): Promise<string> {
    checkFlags(flags, DomainXMLFlags.SECURE, 'qemuDomainSaveImageGetXMLDesc', D);
    return formatDomainXML(parseQemuDomain((await readSaveImage(path)).xml, false), { inactive: true });
  }

  async domainManagedSave(dom: DomainRef, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, async (d) => {
      if (!d.persistentDef) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot do managed save for transient domain', D);
      const path = managedSavePath(this.paths, d.name);
      await mkdir(dirname(path), { recursive: true });
      await saveDomain(this.drv, requireActive(d), path, undefined, flags, 'qemuDomainManagedSave');
    });
  }
  async domainHasManagedSaveImage(dom: DomainRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'qemuDomainHasManagedSaveImage', D);
    await readDomain(this.drv, dom);
    return hasManagedSave(this.paths, dom.name);
  }
  async domainManagedSaveRemove(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainManagedSaveRemove', D);
    await domainJob(this.drv, dom, false, () => rm(managedSavePath(this.paths, dom.name), { force: true }));
  }
  async domainManagedSaveGetXMLDesc(dom: DomainRef, flags: number): Promise<string> {
    await readDomain(this.drv, dom);
    if (!(await hasManagedSave(this.paths, dom.name))) {
      throw new VirError(ErrorCode.OPERATION_INVALID, `domain does not have managed save image`, D);
    }
    return this.domainSaveImageGetXMLDesc(managedSavePath(this.paths, dom.name), flags);
  }

  async domainUndefine(dom: DomainRef, flags: number): Promise<void> {
    const F = DomainUndefineFlags;
    checkFlags(flags, F.MANAGED_SAVE | F.SNAPSHOTS_METADATA | F.NVRAM | F.KEEP_NVRAM | F.CHECKPOINTS_METADATA | F.TPM | F.KEEP_TPM, 'qemuDomainUndefineFlags', D);
    if ((flags & F.TPM) && (flags & F.KEEP_TPM)) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot both keep and delete TPM', D);
    if ((flags & F.NVRAM) && (flags & F.KEEP_NVRAM)) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot both keep and delete nvram', D);
    await domainJob(this.drv, dom, false, async (d) => {
      if (!d.persistentDef) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot undefine transient domain', D);
      if (await hasManagedSave(this.paths, d.name)) {
        if (!(flags & F.MANAGED_SAVE)) throw new VirError(ErrorCode.OPERATION_INVALID, 'Refusing to undefine while domain managed save image exists', D);
        await rm(managedSavePath(this.paths, d.name), { force: true });
      }
      const snapshots = isActiveStatus(d.status) ? 0 : await snapshotCount(this.paths, d.name);
      if (snapshots > 0 && !(flags & F.SNAPSHOTS_METADATA)) {
        throw new VirError(ErrorCode.OPERATION_INVALID, `cannot delete inactive domain with ${snapshots} snapshots`, D);
      }
      await undefineNvram(this.paths, d.persistentDef, (flags & F.NVRAM) !== 0, (flags & F.KEEP_NVRAM) !== 0);
      if (!isActiveStatus(d.status)) await removeAllSnapshots(this.paths, d.name);
      await this.store.setAutostart(d.name, false);
      await this.store.removeConfig(d.name);
      if (isActiveStatus(d.status)) {
        d.status.persistent = false;
        await writeStatus(this.paths, d.status);
      } else {
        await this.store.removeStatus(d.name);
        this.drv.fdGroups.forget(uuidOf(d));
        await removeTpmState(this.paths, uuidOf(d), d.persistentDef.devices, { deleteState: (flags & F.TPM) !== 0, keepState: (flags & F.KEEP_TPM) !== 0 });
      }
      this.drv.events.raise(refOf(d), DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED);
    });
  }

  async domainCreate(dom: DomainRef, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_FORCE_BOOT, 'qemuDomainCreateWithFlags', D);
    return domainJob(this.drv, dom, false, async (d) => {
      if (isActiveStatus(d.status)) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is already running', D);
      if (!d.persistentDef) throw noDomain(dom);
      const paused = (flags & DomainCreateFlags.START_PAUSED) !== 0;
      const saved = managedSavePath(this.paths, d.name);
      if (!(flags & DomainCreateFlags.START_FORCE_BOOT) && (await hasManagedSave(this.paths, d.name))) {
        // libvirt resumes from the managed save image and removes it once the guest runs from it.
        const image = await readSaveImage(saved);
        const s = await startDomain(this.drv, parseQemuDomain(image.xml, false), {
          paused: paused || !image.wasRunning, persistent: true, restoreFrom: { path: saved, offset: image.streamOffset },
        });
        await rm(saved, { force: true });
        return { name: s.name, uuid: s.uuid, id: s.id };
      }
      // Usually absent: one unlink at once, not fs/promises' stat and unlink through the thread pool.
      rmSync(saved, { force: true });
      const s = await startDomain(this.drv, d.persistentDef, { paused, persistent: true });
      return { name: s.name, uuid: s.uuid, id: s.id };
    });
  }

  async domainDestroy(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 1, 'qemuDomainDestroyFlags', D);
    await domainJob(this.drv, dom, false, async (d) => {
      const s = requireActive(d);
      // A reboot still waiting for the guest is dropped first, as libvirt does: the destroy's SHUTDOWN is told.
      await dropPendingReboot(this.paths, s);
      await tearDown(this.drv, s, DomainShutoffReason.DESTROYED, { detail: DomainEventDetail.STOPPED.DESTROYED, hostShutdown: true });
    });
  }

  /** Runs QMP commands on a running domain as one job. */
  private monitorJob<T>(dom: DomainRef, fn: (d: StoredDomain, s: ReturnType<typeof requireActive>) => Promise<T>): Promise<T> {
    return domainJob(this.drv, dom, true, async (d) => fn(d, requireActive(d)));
  }

  async domainShutdown(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainShutdownFlags.ACPI_POWER_BTN | DomainShutdownFlags.GUEST_AGENT, 'qemuDomainShutdownFlags', D);
    if (await this.agent.powerByAgent(dom, flags, false)) return;
    await this.monitorJob(dom, async (_d, s) => {
      // A shutdown cancels a reboot still waiting for the guest, as libvirt does: the power-off then ends the domain.
      await dropPendingReboot(this.paths, s);
      await withMonitor(s, (m) => m.execute('system_powerdown'));
    });
  }
  async domainReboot(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainShutdownFlags.ACPI_POWER_BTN | DomainShutdownFlags.GUEST_AGENT, 'qemuDomainReboot', D);
    if (await this.agent.powerByAgent(dom, flags, true)) return;
    await this.monitorJob(dom, async (_d, s) => {
      // With on_reboot destroy a reboot is a shutdown, as in libvirt: the guest's power-off then ends the domain.
      if (lifecycleOf(s).onReboot === 'destroy') return withMonitor(s, (m) => m.execute('system_powerdown'));
      // Marked before the power-off is asked for, as libvirt does: the guest's SHUTDOWN is then never told as one.
      s.fakeReboot = true;
      await writeStatus(this.paths, s);
      try {
        await withMonitor(s, (m) => m.execute('system_powerdown'));
      } catch (e) {
        s.fakeReboot = false;
        await writeStatus(this.paths, s);
        throw e;
      }
    });
  }
  async domainInjectNMI(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainInjectNMI', D);
    await this.monitorJob(dom, (_d, s) => withMonitor(s, (m) => m.execute('inject-nmi')));
  }
  async domainSendKey(dom: DomainRef, codeset: number, holdtime: number, keycodes: readonly number[], flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainSendKey', D);
    // The key tables load only for send-key, not with the driver (about 2 ms of every command).
    const { sendKeyArgs } = await import('./input/send-key.js');
    const args = sendKeyArgs(codeset, holdtime, keycodes);
    await this.monitorJob(dom, (_d, s) => withMonitor(s, (m) => m.execute('send-key', args)));
  }
  async connectDomainXMLToNative(format: string, xml: string, flags: number): Promise<string> {
    checkFlags(flags, 0, 'qemuConnectDomainXMLToNative', D);
    return domainXMLToNative(this.drv, format, xml);
  }
  async domainMemoryStats(dom: DomainRef, nrStats: number, flags: number): Promise<DomainMemoryStat[]> {
    checkFlags(flags, 0, 'qemuDomainMemoryStats', D);
    return this.monitorJob(dom, (d, s) => memoryStats(d, s, nrStats));
  }
  async domainScreenshot(dom: DomainRef, screen: number, flags: number): Promise<DomainScreenshot> {
    checkFlags(flags, 0, 'qemuDomainScreenshot', D);
    return this.monitorJob(dom, (_d, s) => withMonitor(s, (m) => takeScreenshot(m, s, screen)));
  }
  async domainOpenConsole(dom: DomainRef, devName: string | undefined, flags: number): Promise<Duplex> {
    checkFlags(flags, DomainConsoleFlags.FORCE | DomainConsoleFlags.SAFE, 'qemuDomainOpenConsole', D);
    return openConsole(requireActive(await readDomain(this.drv, dom)), devName, (flags & DomainConsoleFlags.FORCE) !== 0);
  }
  // The guest agent (agent/agent-entry-points.ts).
  private get agent(): QemuAgentEntryPoints {
    return new QemuAgentEntryPoints(this.drv);
  }
  qemuAgentCommand(dom: DomainRef, cmd: string, timeout: number, flags: number): Promise<string> {
    return this.agent.qemuAgentCommand(dom, cmd, timeout, flags);
  }
  domainGetFSInfo(dom: DomainRef, flags: number): Promise<DomainFSInfo[]> {
    return this.agent.domainGetFSInfo(dom, flags);
  }
  domainSetUserPassword(dom: DomainRef, user: string, password: string, flags: number): Promise<void> {
    return this.agent.domainSetUserPassword(dom, user, password, flags);
  }
  domainGetTime(dom: DomainRef, flags: number): Promise<DomainTime> {
    return this.agent.domainGetTime(dom, flags);
  }
  domainSetTime(dom: DomainRef, time: DomainTime, flags: number): Promise<void> {
    return this.agent.domainSetTime(dom, time, flags);
  }
  domainFSFreeze(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number> {
    return this.agent.domainFSFreeze(dom, mountpoints, flags);
  }
  domainFSThaw(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number> {
    return this.agent.domainFSThaw(dom, mountpoints, flags);
  }
  domainFSTrim(dom: DomainRef, mountPoint: string | undefined, minimum: bigint, flags: number): Promise<void> {
    return this.agent.domainFSTrim(dom, mountPoint, minimum, flags);
  }
  domainAuthorizedSSHKeysGet(dom: DomainRef, user: string, flags: number): Promise<string[]> {
    return this.agent.domainAuthorizedSSHKeysGet(dom, user, flags);
  }
  domainAuthorizedSSHKeysSet(dom: DomainRef, user: string, keys: readonly string[], flags: number): Promise<void> {
    return this.agent.domainAuthorizedSSHKeysSet(dom, user, keys, flags);
  }
  domainGetGuestVcpus(dom: DomainRef, flags: number): Promise<DomainGuestVcpus> {
    return this.agent.domainGetGuestVcpus(dom, flags);
  }
  domainSetGuestVcpus(dom: DomainRef, cpumap: string, state: boolean, flags: number): Promise<void> {
    return this.agent.domainSetGuestVcpus(dom, cpumap, state, flags);
  }
  domainGetGuestInfo(dom: DomainRef, types: number, flags: number): Promise<TypedParameter[]> {
    return this.agent.domainGetGuestInfo(dom, types, flags);
  }
  domainGetHostname(dom: DomainRef, flags: number): Promise<string> {
    return this.agent.domainGetHostname(dom, flags);
  }
  domainAgentSetResponseTimeout(dom: DomainRef, timeout: number, flags: number): Promise<void> {
    return this.agent.domainAgentSetResponseTimeout(dom, timeout, flags);
  }
  async domainReset(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainReset', D);
    await this.monitorJob(dom, (_d, s) => withMonitor(s, (m) => m.execute('system_reset')));
  }

  async domainSuspend(dom: DomainRef): Promise<void> {
    if (await suspendWhileSending(this.drv, dom)) return;
    await this.monitorJob(dom, async (d, s) => {
      if (s.state === DomainState.PAUSED) return;
      await withMonitor(s, (m) => m.execute('stop'));
      Object.assign(s, { state: DomainState.PAUSED, reason: DomainPausedReason.USER });
      await writeStatus(this.paths, s);
      this.drv.events.raise(refOf(d), DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
    });
  }
  async domainResume(dom: DomainRef): Promise<void> {
    await this.monitorJob(dom, async (d, s) => {
      await withMonitor(s, (m) => m.execute('cont'));
      Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED });
      await writeStatus(this.paths, s);
      this.drv.events.raise(refOf(d), DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
    });
  }

  async domainGetXMLDesc(dom: DomainRef, flags: number): Promise<string> {
    const X = DomainXMLFlags;
    checkFlags(flags, X.SECURE | X.INACTIVE | X.UPDATE_CPU | X.MIGRATABLE, 'qemuDomainGetXMLDesc', D);
    const d = await readDomain(this.drv, dom);
    if (isActiveStatus(d.status) && !(flags & X.INACTIVE)) return d.status.xml;
    return formatDomainXML(d.persistentDef ?? currentDef(d), { inactive: true });
  }
  async domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    const d = await readDomain(this.drv, dom);
    const def = currentDef(d);
    const active = isActiveStatus(d.status) ? d.status : undefined;
    return {
      state: stateOf(d).state as DomainInfo['state'],
      maxMem: def.memoryKiB,
      memory: def.currentMemoryKiB,
      nrVirtCpu: def.vcpu.current ?? def.vcpu.count,
      cpuTime: await cpuTimeNs(active?.pid),
    };
  }
  async domainGetState(dom: DomainRef, flags: number): Promise<{ state: number; reason: number }> {
    checkFlags(flags, 0, 'qemuDomainGetState', D);
    return stateOf(await readDomain(this.drv, dom, true));
  }
  async domainGetOSType(dom: DomainRef): Promise<string> {
    return currentDef(await readDomain(this.drv, dom)).os.type;
  }
  async domainIsActive(dom: DomainRef): Promise<boolean> {
    return isActiveStatus((await readDomain(this.drv, dom, true)).status);
  }
  async domainIsPersistent(dom: DomainRef): Promise<boolean> {
    return (await readDomain(this.drv, dom)).persistentDef !== undefined;
  }
  domainGetAutostart(dom: DomainRef): Promise<boolean> {
    return getAutostart(this.drv, dom);
  }
  domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    return setAutostart(this.drv, dom, autostart);
  }
  domainRename(dom: DomainRef, newName: string, flags: number): Promise<DomainRef> {
    return renameDomain(this.drv, dom, newName, flags);
  }

  async domainAttachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    await this.changeDevice(dom, xml, flags, 'attach');
  }
  async domainDetachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    await this.changeDevice(dom, xml, flags, 'detach');
  }

  /**
   * virDomainDetachDeviceAlias: live, a disk, SCSI hostdev, interface or memory module found by its
   * alias, detached as by its XML, and libvirt's refusal of the kinds it never unplugs; in the
   * persistent definition, any device with that (user) alias.
   */
  async domainDetachDeviceAlias(dom: DomainRef, alias: string, flags: number): Promise<void> {
    const F = DomainDeviceModifyFlags;
    await this.modifyDevice(dom, { alias }, flags, 'qemuDomainDetachDeviceAlias', {
      config: async (d, el) => (removedWhole(el) ? detachWholeConfig(this.drv, d, el) : configChange(this.drv, d, el, 'detach')),
      live: async (s, el) => {
        const refusal = liveRefusal(el);
        if (refusal) throw refusal;
        await (isWholeKind(el.name) ? unplugWhole(this.drv, s, el) : liveChange(this.drv, s, el, 'detach'));
      },
    }, F.LIVE | F.CONFIG);
  }

  async domainUpdateDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    await this.modifyDevice(dom, xml, flags, 'qemuDomainUpdateDeviceFlags', {
      config: (d, el) => updateConfig(this.drv, d, el),
      live: (s, el) => updateLive(this.drv, s, el, (flags & DomainDeviceModifyFlags.FORCE) !== 0),
    });
  }

  /** Applies a device change to the live domain and/or its persistent definition, as the flags say. */
  private async changeDevice(dom: DomainRef, xml: string, flags: number, op: 'attach' | 'detach'): Promise<void> {
    await this.modifyDevice(dom, xml, flags, op === 'attach' ? 'qemuDomainAttachDeviceFlags' : 'qemuDomainDetachDeviceFlags', {
      config: (d, el) => configChange(this.drv, d, el, op),
      live: (s, el) => liveChange(this.drv, s, el, op),
    });
  }

  /**
   * One device modification job: the flags' modification impact (libvirt's), then the config and/or
   * live change of the device `device` finds in the definition it changes (parsed XML, or an alias).
   */
  private async modifyDevice(dom: DomainRef, device: string | DeviceByAlias, flags: number, fn: string, change: {
    /** A change whose definition is written only once the live change succeeded returns the write (libvirt's order). */
    config: (d: StoredDomain, el: XmlElement) => Promise<void | (() => Promise<void>)>;
    live: (s: ReturnType<typeof requireActive>, el: XmlElement) => Promise<void>;
  }, allowed = DomainDeviceModifyFlags.LIVE | DomainDeviceModifyFlags.CONFIG | DomainDeviceModifyFlags.FORCE): Promise<void> {
    const F = DomainDeviceModifyFlags;
    checkFlags(flags, allowed, fn, D);
    const parsed = typeof device === 'string' ? parseXml(device, 'device') : undefined;
    const find = (def: () => DomainDef, any = false): XmlElement => parsed ?? (any ? anyDeviceByAlias : deviceByAlias)(def(), (device as DeviceByAlias).alias);
    await domainJob(this.drv, dom, true, async (d) => {
      const active = isActiveStatus(d.status) && d.status.phase === 'active';
      const live = (flags & F.LIVE) !== 0 || (!(flags & (F.LIVE | F.CONFIG)) && active);
      const config = (flags & F.CONFIG) !== 0 || (!(flags & (F.LIVE | F.CONFIG)) && !active);
      if (live && !active) throw notRunning();
      if (config && !d.persistentDef) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot modify device on transient domain', D);
      // A run started before every device recorded its alias finds it by the one its QEMU id was.
      const liveEl = live ? find(() => withDeviceAliases(parseDomainXML(requireActive(d).xml, { arch: GUEST_ARCH }))) : undefined;
      const commit = config ? await change.config(d, find(() => d.persistentDef!, true)) : undefined;
      if (liveEl) await change.live(requireActive(d), liveEl);
      if (commit) await commit();
    });
  }


  async domainBlockStats(dom: DomainRef, disk: string): Promise<DomainBlockStats> {
    return this.monitorJob(dom, async (_d, s) => {
      const found = disksOf(parseDomainXML(s.xml, { arch: GUEST_ARCH }).devices).find((v) => v.target === disk || v.path === disk);
      if (!found?.alias) throw new VirError(ErrorCode.INVALID_ARG, `invalid path: ${disk}`, D);
      const node = formatNode(s.diskNodes[found.alias] ?? -1);
      const stats = await withMonitor(s, (m) => m.execute<Array<{ 'node-name'?: string; qdev?: string; stats: Record<string, number> }>>('query-blockstats'));
      const entry = stats.find((e) => e['node-name'] === node || e.qdev === found.alias || e.qdev?.includes(`/${found.alias}/`));
      if (!entry) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find statistics for device '${disk}'`, D);
      const st = entry.stats;
      return { rdReq: st['rd_operations'] ?? -1, rdBytes: st['rd_bytes'] ?? -1, wrReq: st['wr_operations'] ?? -1, wrBytes: st['wr_bytes'] ?? -1, errs: -1 };
    });
  }

  async qemuMonitorCommand(dom: DomainRef, cmd: string, flags: number): Promise<string> {
    checkFlags(flags, DomainQemuMonitorCommandFlags.HMP, 'qemuDomainQemuMonitorCommand', D);
    return this.monitorJob(dom, async (_d, s) => {
      if (flags & DomainQemuMonitorCommandFlags.HMP) {
        return withMonitor(s, (m) => m.execute<string>('human-monitor-command', { 'command-line': cmd }));
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(cmd);
      } catch (e) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse json ${cmd}: ${(e as Error).message}`, D);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse json ${cmd}: not a QMP command object`, D);
      }
      const reply = await withMonitor(s, (m) => m.send(parsed as Record<string, unknown>));
      return JSON.stringify(reply);
    });
  }

  async domainSetMemoryStatsPeriod(dom: DomainRef, period: number, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => setMemoryStatsPeriod(this.drv, d, period, flags));
  }
  async domainGetInterfaceParameterCount(dom: DomainRef, _device: string, flags: number): Promise<number> {
    return interfaceParameterCount(await readDomain(this.drv, dom), flags);
  }
  async domainGetInterfaceParameters(dom: DomainRef, device: string, flags: number): Promise<TypedParameter[]> {
    return interfaceParameters(await readDomain(this.drv, dom), device, flags);
  }
  async domainSetInterfaceParameters(dom: DomainRef, device: string, params: readonly TypedParameter[], flags: number): Promise<void> {
    await domainJob(this.drv, dom, false, (d) => setInterfaceParameters(this.drv, d, device, params, flags));
  }
  async domainSetLifecycleAction(dom: DomainRef, type: number, action: number, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => setLifecycleAction(this.drv, d, type, action, flags));
  }
  async domainGetEmulatorPinInfo(dom: DomainRef, flags: number): Promise<boolean[]> {
    return domainJob(this.drv, dom, false, async (d) => emulatorPinInfo(d, flags));
  }
  async domainPinEmulator(dom: DomainRef, cpumap: readonly boolean[], flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => pinEmulator(this.drv, d, cpumap, flags));
  }
  async domainGetBlockIoTuneCount(dom: DomainRef, _disk: string | undefined, flags: number): Promise<number> {
    return domainJob(this.drv, dom, false, async (d) => blockIoTuneCount(d, flags));
  }
  async domainGetBlockIoTune(dom: DomainRef, disk: string, flags: number): Promise<TypedParameter[]> {
    return domainJob(this.drv, dom, true, (d) => getBlockIoTune(d, disk, flags));
  }
  async domainSetBlockIoTune(dom: DomainRef, disk: string, params: readonly TypedParameter[], flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => setBlockIoTune(this.drv, d, disk, params, flags));
  }
  async domainSetMemoryFlags(dom: DomainRef, kib: number, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => setMemory(this.drv, d, kib, flags));
  }
  async domainSetVcpusFlags(dom: DomainRef, count: number, flags: number): Promise<void> {
    if (flags & DomainVcpuFlags.GUEST) return this.agent.setGuestVcpuCount(dom, count, flags);
    await domainJob(this.drv, dom, true, (d) => setVcpus(this.drv, d, count, flags));
  }
  async domainSetVcpu(dom: DomainRef, cpumap: string, state: number, flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => setVcpu(this.drv, d, cpumap, state, flags));
  }
  async domainGetVcpus(dom: DomainRef): Promise<DomainVcpus> {
    return domainJob(this.drv, dom, true, (d) => domainVcpus(d));
  }
  async domainGetVcpuPinInfo(dom: DomainRef, flags: number): Promise<boolean[][]> {
    return vcpuPinInfo(await readDomain(this.drv, dom), flags);
  }
  async domainPinVcpuFlags(dom: DomainRef, vcpu: number, cpumap: readonly boolean[], flags: number): Promise<void> {
    await domainJob(this.drv, dom, true, (d) => pinVcpu(this.drv, d, vcpu, cpumap, flags));
  }
  /** qemuDomainPinVcpu: the older call is the running domain's (AFFECT_LIVE). */
  async domainPinVcpu(dom: DomainRef, vcpu: number, cpumap: readonly boolean[]): Promise<void> {
    await this.domainPinVcpuFlags(dom, vcpu, cpumap, DomainModificationImpact.LIVE);
  }
  async domainGetVcpusFlags(dom: DomainRef, flags: number): Promise<number> {
    if (flags & DomainVcpuFlags.GUEST) return this.agent.guestVcpuCount(dom, flags);
    return vcpuCount(await readDomain(this.drv, dom), flags);
  }

  async domainCoreDumpWithFormat(dom: DomainRef, to: string, format: number, flags: number): Promise<void> {
    await this.monitorJob(dom, (_d, s) => coreDump(this.drv, s, to, format, flags));
  }

  async domainInterfaceAddresses(dom: DomainRef, source: number, flags: number): Promise<DomainInterface[]> {
    checkFlags(flags, 0, 'qemuDomainInterfaceAddresses', D);
    if (source === DomainInterfaceAddressesSource.AGENT) return domainJob(this.drv, dom, true, (d) => this.agent.interfaceAddresses(requireActive(d)));
    return interfaceAddresses(this.drv, requireActive(await readDomain(this.drv, dom)), source);
  }

  /** Reboot, device-removed and block-job events from QEMU's monitor, while the listener stays. */
  async connectDomainEventRegisterAny(listener: (e: DomainDriverEvent) => void, dom?: DomainRef): Promise<() => void> {
    return this.drv.events.subscribeOthers(listener, dom);
  }

  async connectDomainQemuMonitorEventRegister(dom: DomainRef | undefined, event: string | undefined,
    callback: (e: QemuMonitorEvent) => void, flags: number): Promise<() => Promise<void>> {
    return registerMonitorEvents(this.drv, dom, event, callback, flags);
  }

  async connectListSharedDisks(): Promise<SharedDiskEntry[]> {
    return sharedDiskEntries(await this.store.loadActiveStatuses());
  }
}
