import { release, hostname, cpus, totalmem } from 'node:os';
import type { Duplex } from 'node:stream';
import { domainPart, formatDomainXML, sortDevicesByKind } from '@tsvirt/conf';
import {
  ALL_LIST_DOMAINS_FLAGS, DomainConsoleFlags, DomainCreateFlags, DomainDefineFlags, DomainEventDetail, DomainEventType, DomainPausedReason,
  DomainRunningReason, DomainShutdownFlags, DomainState, DomainShutoffReason, DomainUndefineFlags, DomainXMLFlags,
  DomainModificationImpact, TypedParameterFlags, matchesListDomainsFlags, typedLLong, typedULLong,
  type DomainInfo, type DomainListFacts, type DomainRef, type HypervisorDriver, type NodeInfo, type SecurityLabel,
  type SecurityModel, type TypedParameter, type LxcNamespaces,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkDomainIdentity, checkFlags } from '@tsvirt/util';
import { freeze, thaw } from './cgroup/cgroup-ops.js';
import { MEMORY_UNLIMITED, cpuSchedule, cpuTimeNs, memoryLimits, memoryUsageKiB } from './cgroup/container-resources.js';
import { checkIdmap } from './conf/container-spec.js';
import { parseLxcDevice, parseLxcDomain } from './conf/lxc-define.js';
import { attachToConfig, detachFromConfig } from './driver/device-config.js';
import { changeLive } from './driver/device-hotplug.js';
import { tuningTargets } from './driver/tuning-impact.js';
import { domainJob, noDomain, readDomain, requireActive } from './driver/lxc-access.js';
import type { LxcContext } from './driver/lxc-context.js';
import { initNamespaces, openConsole } from './driver/lxc-console.js';
import { BLKIO_PARAM_COUNT, getBlkioParameters, setBlkioParameters } from './driver/lxc-blkiotune.js';
import { setMemoryParameters } from './driver/lxc-memtune.js';
import { setSchedulerParameters } from './driver/lxc-schedinfo.js';
import { startContainerDomain } from './driver/lxc-start.js';
import { stopByInit } from './driver/lxc-shutdown.js';
import { tearDown } from './driver/lxc-stop.js';
import { isActive } from './state/lxc-status.js';
import { currentDef, hasAutostart, loadActiveStatuses, loadAllDomains, loadDomain, removeConfig, removeStatus, saveConfig, setAutostart, uuidOf, withDomainJob, withDriverLock, writeStatus, type StoredDomain } from './state/lxc-store.js';

const D = ErrorDomain.LXC;
/** LIVE, CONFIG and the typed-parameter STRING_OKAY the API always adds. */
const MEMORY_PARAM_FLAGS = 1 | 2 | TypedParameterFlags.STRING_OKAY;

function refOf(d: StoredDomain): DomainRef {
  return { name: d.name, uuid: uuidOf(d), id: isActive(d.status) ? d.status.id : -1 };
}

function stateOf(d: StoredDomain): { state: number; reason: number } {
  if (isActive(d.status)) return { state: d.status.state, reason: d.status.reason };
  return { state: DomainState.SHUTOFF, reason: d.status?.reason ?? DomainShutoffReason.UNKNOWN };
}

/** The definition a tuning call reads: the persistent one with CONFIG (DomainModificationImpact), else the one in effect. */
function defFor(d: StoredDomain, flags: number) {
  return (flags & 2) !== 0 && d.persistentDef ? d.persistentDef : currentDef(d);
}

/** The running kernel's version as libvirt encodes it (the LXC "hypervisor" is the kernel). */
function kernelVersion(): number {
  const [maj = 0, min = 0, mic = 0] = release().split(/[.-]/).map((x) => Number(x) || 0);
  return maj * 1_000_000 + min * 1000 + mic;
}

/** The LXC driver's hypervisor entry points over one driver instance. */
export class LxcHypervisor implements HypervisorDriver {
  constructor(private readonly drv: LxcContext) {}

  private get paths() {
    return this.drv.paths;
  }

  async connectGetType(): Promise<string> {
    return 'LXC';
  }
  async connectGetVersion(): Promise<number> {
    return kernelVersion();
  }
  async connectGetHostname(): Promise<string> {
    return hostname();
  }
  async nodeGetInfo(): Promise<NodeInfo> {
    const c = cpus();
    return { model: 'x86_64', memory: BigInt(Math.floor(totalmem() / 1024)), cpus: c.length, mhz: Math.floor(c[0]?.speed ?? 0), nodes: 1, sockets: 1, cores: c.length, threads: 1 };
  }
  /** Like libvirt with `security_driver = "none"`. */
  async nodeGetSecurityModel(): Promise<SecurityModel> {
    return { model: 'none', doi: '0' };
  }
  async domainGetSecurityLabel(dom: DomainRef): Promise<SecurityLabel> {
    await readDomain(this.drv, dom);
    return { label: '', enforcing: false };
  }

  private async listFacts(d: StoredDomain): Promise<DomainListFacts> {
    return {
      active: isActive(d.status), persistent: d.hasConfig, state: stateOf(d).state,
      hasManagedSave: false, autostart: await hasAutostart(this.paths, d.name), hasSnapshot: false, hasCheckpoint: false,
    };
  }

  async connectListAllDomains(flags: number): Promise<DomainRef[]> {
    checkFlags(flags, ALL_LIST_DOMAINS_FLAGS, 'lxcConnectListAllDomains', D);
    const all = await Promise.all((await loadAllDomains(this.paths)).map(async (d) => {
      const fresh = isActive(d.status) ? await readDomain(this.drv, refOf(d)).catch(() => undefined) : d;
      return fresh && matchesListDomainsFlags(await this.listFacts(fresh), flags) ? refOf(fresh) : undefined;
    }));
    return all.filter((r): r is DomainRef => r !== undefined);
  }
  async domainLookupByName(name: string): Promise<DomainRef> {
    const d = await loadDomain(this.paths, name).catch(() => undefined);
    if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching name '${name}'`, D);
    return refOf(await readDomain(this.drv, refOf(d)));
  }
  async domainLookupByID(id: number): Promise<DomainRef> {
    const s = (await loadActiveStatuses(this.paths)).find((x) => x.id === id);
    if (!s) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching id ${id}`, D);
    return { name: s.name, uuid: s.uuid, id: s.id };
  }
  async domainLookupByUUID(uuid: string): Promise<DomainRef> {
    const d = (await loadAllDomains(this.paths)).find((x) => uuidOf(x) === uuid);
    if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${uuid}'`, D);
    return refOf(d);
  }

  /** Checks a definition's name and UUID against the other domains; the caller holds the driver lock. */
  private async checkIdentity(name: string, uuid: string): Promise<StoredDomain | undefined> {
    return checkDomainIdentity(await loadAllDomains(this.paths), uuidOf, name, uuid, D);
  }

  private parse(xml: string) {
    const def = parseLxcDomain(xml);
    checkIdmap(def);
    sortDevicesByKind(def);
    return def;
  }

  async domainDefineXML(xml: string, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainDefineFlags.VALIDATE, 'lxcDomainDefineXMLFlags', D);
    const def = this.parse(xml);
    return withDomainJob(this.paths, def.name, async () => {
      const existing = await withDriverLock(this.paths, async () => {
        const found = await this.checkIdentity(def.name, def.uuid);
        await saveConfig(this.paths, def.name, formatDomainXML(def, { inactive: true }));
        return found;
      });
      const status = existing?.status;
      if (isActive(status) && !status.persistent) {
        status.persistent = true;
        await writeStatus(this.paths, status);
      }
      const ref = { name: def.name, uuid: def.uuid, id: isActive(status) ? status.id : -1 };
      this.drv.events.raise(ref, DomainEventType.DEFINED, existing?.persistentDef ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
      return ref;
    });
  }

  async domainCreateXML(xml: string, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_AUTODESTROY | DomainCreateFlags.START_VALIDATE, 'lxcDomainCreateXMLWithFiles', D);
    const def = this.parse(xml);
    return withDomainJob(this.paths, def.name, async () => {
      const existing = await withDriverLock(this.paths, () => this.checkIdentity(def.name, def.uuid));
      if (existing && isActive(existing.status)) throw new VirError(ErrorCode.OPERATION_INVALID, `domain '${def.name}' is already active`, D);
      const s = await startContainerDomain(this.drv, def, { paused: (flags & DomainCreateFlags.START_PAUSED) !== 0, persistent: existing?.persistentDef !== undefined });
      return { name: s.name, uuid: s.uuid, id: s.id };
    });
  }

  async domainUndefine(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainUndefineFlags.MANAGED_SAVE | DomainUndefineFlags.SNAPSHOTS_METADATA, 'lxcDomainUndefineFlags', D);
    await domainJob(this.drv, dom, async (d) => {
      if (!d.persistentDef) throw new VirError(ErrorCode.OPERATION_INVALID, 'Cannot undefine transient domain', D);
      await setAutostart(this.paths, d.name, false);
      await removeConfig(this.paths, d.name);
      if (isActive(d.status)) {
        d.status.persistent = false;
        await writeStatus(this.paths, d.status);
      } else {
        await removeStatus(this.paths, d.name);
      }
      this.drv.events.raise(refOf(d), DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED);
    });
  }

  async domainCreate(dom: DomainRef, flags: number): Promise<DomainRef> {
    checkFlags(flags, DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_AUTODESTROY, 'lxcDomainCreateWithFiles', D);
    return domainJob(this.drv, dom, async (d) => {
      if (isActive(d.status)) throw new VirError(ErrorCode.OPERATION_INVALID, 'Domain is already running', D);
      if (!d.persistentDef) throw noDomain(dom);
      const s = await startContainerDomain(this.drv, d.persistentDef, { paused: (flags & DomainCreateFlags.START_PAUSED) !== 0, persistent: true });
      return { name: s.name, uuid: s.uuid, id: s.id };
    });
  }

  async domainDestroy(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'lxcDomainDestroyFlags', D);
    await domainJob(this.drv, dom, async (d) => {
      const s = requireActive(d);
      s.stopRequest = 'destroy';
      await writeStatus(this.paths, s);
      await tearDown(this.drv, s, DomainShutoffReason.DESTROYED, DomainEventDetail.STOPPED.DESTROYED);
    });
  }

  async domainShutdown(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainShutdownFlags.INITCTL | DomainShutdownFlags.SIGNAL, 'lxcDomainShutdownFlags', D);
    await domainJob(this.drv, dom, async (d) => stopByInit(this.drv, requireActive(d), 'shutdown', flags));
  }
  async domainReboot(dom: DomainRef, flags: number): Promise<void> {
    checkFlags(flags, DomainShutdownFlags.INITCTL | DomainShutdownFlags.SIGNAL, 'lxcDomainReboot', D);
    await domainJob(this.drv, dom, async (d) => stopByInit(this.drv, requireActive(d), 'reboot', flags));
  }

  async domainSuspend(dom: DomainRef): Promise<void> {
    await domainJob(this.drv, dom, async (d) => {
      const s = requireActive(d);
      if (s.state === DomainState.PAUSED) return;
      await freeze(s.tree, s.cgroups);
      Object.assign(s, { state: DomainState.PAUSED, reason: DomainPausedReason.USER });
      await writeStatus(this.paths, s);
      this.drv.events.raise(refOf(d), DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
    });
  }
  async domainResume(dom: DomainRef): Promise<void> {
    await domainJob(this.drv, dom, async (d) => {
      const s = requireActive(d);
      if (s.state !== DomainState.PAUSED) return;
      await thaw(s.tree, s.cgroups);
      Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED });
      await writeStatus(this.paths, s);
      this.drv.events.raise(refOf(d), DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
    });
  }

  async domainGetXMLDesc(dom: DomainRef, flags: number): Promise<string> {
    checkFlags(flags, DomainXMLFlags.SECURE | DomainXMLFlags.INACTIVE | DomainXMLFlags.MIGRATABLE, 'lxcDomainGetXMLDesc', D);
    const d = await readDomain(this.drv, dom);
    if (isActive(d.status) && !(flags & DomainXMLFlags.INACTIVE)) return d.status.xml;
    return formatDomainXML(d.persistentDef ?? currentDef(d), { inactive: true });
  }
  async domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    const d = await readDomain(this.drv, dom);
    const def = currentDef(d);
    const s = isActive(d.status) ? d.status : undefined;
    return {
      state: stateOf(d).state as DomainInfo['state'],
      maxMem: def.memoryKiB,
      memory: (s && (await memoryUsageKiB(s.tree, s.cgroups))) ?? def.currentMemoryKiB,
      nrVirtCpu: def.vcpu.current ?? def.vcpu.count,
      cpuTime: s ? await cpuTimeNs(s.tree, s.cgroups) : 0n,
    };
  }
  async domainGetState(dom: DomainRef, flags: number): Promise<{ state: number; reason: number }> {
    checkFlags(flags, 0, 'lxcDomainGetState', D);
    return stateOf(await readDomain(this.drv, dom));
  }
  async domainGetOSType(dom: DomainRef): Promise<string> {
    return currentDef(await readDomain(this.drv, dom)).os.type;
  }
  async domainIsActive(dom: DomainRef): Promise<boolean> {
    return isActive((await readDomain(this.drv, dom)).status);
  }
  async domainIsPersistent(dom: DomainRef): Promise<boolean> {
    return (await readDomain(this.drv, dom)).hasConfig;
  }
  async domainGetAutostart(dom: DomainRef): Promise<boolean> {
    await readDomain(this.drv, dom);
    return hasAutostart(this.paths, dom.name);
  }
  async domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    await domainJob(this.drv, dom, async (d) => {
      if (!d.hasConfig) throw new VirError(ErrorCode.OPERATION_INVALID, 'Cannot set autostart for transient domain', D);
      await setAutostart(this.paths, d.name, autostart);
    });
  }
  async domainHasManagedSaveImage(dom: DomainRef, flags: number): Promise<boolean> {
    checkFlags(flags, 0, 'lxcDomainHasManagedSaveImage', D);
    await readDomain(this.drv, dom);
    return false;
  }

  async domainGetMemoryParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    checkFlags(flags, MEMORY_PARAM_FLAGS, 'lxcDomainGetMemoryParameters', D);
    const d = await readDomain(this.drv, dom);
    const live = isActive(d.status) && (flags & 2) === 0 ? d.status : undefined;
    const mt = domainPart(defFor(d, flags), 'memtune');
    const kib = (v: number | undefined) => (v === undefined ? MEMORY_UNLIMITED : BigInt(v));
    const l = live ? await memoryLimits(live.tree, live.cgroups) : { hard: kib(mt?.hardLimit), soft: kib(mt?.softLimit), swap: kib(mt?.swapHardLimit) };
    return [typedULLong('hard_limit', l.hard), typedULLong('soft_limit', l.soft), typedULLong('swap_hard_limit', l.swap)];
  }
  async domainGetSchedulerType(dom: DomainRef): Promise<{ type: string; nparams: number }> {
    await readDomain(this.drv, dom);
    return { type: 'posix', nparams: 3 };
  }
  async domainGetSchedulerParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    checkFlags(flags, MEMORY_PARAM_FLAGS, 'lxcDomainGetSchedulerParametersFlags', D);
    const d = await readDomain(this.drv, dom);
    const live = isActive(d.status) && (flags & 2) === 0 ? d.status : undefined;
    const ct = domainPart(defFor(d, flags), 'cputune');
    const s = live ? await cpuSchedule(live.tree, live.cgroups)
      : { shares: BigInt(ct?.shares ?? 0), period: BigInt(ct?.period ?? 0), quota: BigInt(ct?.quota ?? 0) };
    return [typedULLong('cpu_shares', s.shares), typedULLong('vcpu_period', s.period), typedLLong('vcpu_quota', s.quota)];
  }

  async domainSetSchedulerParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    checkFlags(flags, 1 | 2, 'lxcDomainSetSchedulerParametersFlags', D);
    await domainJob(this.drv, dom, (d) => setSchedulerParameters(this.drv, d, params, flags));
  }

  async domainOpenConsole(dom: DomainRef, devName: string | undefined, flags: number): Promise<Duplex> {
    checkFlags(flags, DomainConsoleFlags.FORCE | DomainConsoleFlags.SAFE, 'lxcDomainOpenConsole', D);
    return openConsole(this.drv, requireActive(await readDomain(this.drv, dom)), devName, (flags & DomainConsoleFlags.FORCE) !== 0);
  }
  async domainAttachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    await this.changeDevice(dom, xml, flags, 'attach');
  }
  async domainDetachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    await this.changeDevice(dom, xml, flags, 'detach');
  }

  /**
   * libvirt's lxcDomainAttachDeviceFlags / lxcDomainDetachDeviceFlags: the change is checked
   * against a copy of the persistent definition first (CONFIG), then made on the running
   * container (LIVE), and only then is the new definition saved.
   */
  private async changeDevice(dom: DomainRef, xml: string, flags: number, op: 'attach' | 'detach'): Promise<void> {
    checkFlags(flags, DomainModificationImpact.LIVE | DomainModificationImpact.CONFIG, op === 'attach' ? 'lxcDomainAttachDeviceFlags' : 'lxcDomainDetachDeviceFlags', D);
    await domainJob(this.drv, dom, async (d) => {
      const { live, config } = tuningTargets(d, flags);
      const dev = parseLxcDevice(xml, op === 'attach');
      const persistent = config && d.persistentDef ? (op === 'attach' ? attachToConfig : detachFromConfig)(d.persistentDef, dev) : undefined;
      if (live) await changeLive(this.drv, live, dev, op);
      if (persistent) await saveConfig(this.paths, d.name, formatDomainXML(persistent, { inactive: true }));
    });
  }

  async domainLxcOpenNamespace(dom: DomainRef, flags: number): Promise<LxcNamespaces> {
    checkFlags(flags, 0, 'lxcDomainLxcOpenNamespace', D);
    return initNamespaces(this.drv, requireActive(await readDomain(this.drv, dom)));
  }

  async domainSetMemoryParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    checkFlags(flags, 1 | 2, 'lxcDomainSetMemoryParameters', D);
    await domainJob(this.drv, dom, (d) => setMemoryParameters(this.drv, d, params, flags));
  }
  async domainGetBlkioParameterCount(dom: DomainRef, flags: number): Promise<number> {
    checkFlags(flags, MEMORY_PARAM_FLAGS, 'lxcDomainGetBlkioParameters', D);
    await readDomain(this.drv, dom);
    return BLKIO_PARAM_COUNT;
  }
  async domainGetBlkioParameters(dom: DomainRef, flags: number): Promise<TypedParameter[]> {
    checkFlags(flags, MEMORY_PARAM_FLAGS, 'lxcDomainGetBlkioParameters', D);
    return getBlkioParameters(await readDomain(this.drv, dom), flags & ~TypedParameterFlags.STRING_OKAY);
  }
  async domainSetBlkioParameters(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void> {
    checkFlags(flags, 1 | 2, 'lxcDomainSetBlkioParameters', D);
    await domainJob(this.drv, dom, (d) => setBlkioParameters(this.drv, d, params, flags));
  }
  async domainGetMemoryParameterCount(dom: DomainRef, flags: number): Promise<number> {
    checkFlags(flags, MEMORY_PARAM_FLAGS, 'lxcDomainGetMemoryParameters', D);
    await readDomain(this.drv, dom);
    return 3;
  }
}
