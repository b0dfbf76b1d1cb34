import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { LxcNamespaces } from '../driver/console-entry-points.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DomainInfo, DomainRef, SecurityLabel } from '../driver/driver-types.js';
import type { DomainBlockStats } from '../driver/hypervisor-driver.js';
import type { DomainBlockInfo, DomainInterfaceStats, DomainVcpus } from '../driver/domain-resource-types.js';
import type { DomainInterface } from '../driver/domain-iface-addrs.js';
import { DomainInterfaceAddressesSource } from '../domain-iface-flags.js';
import { DomainCoreDumpFlags, DomainCoreDumpFormat } from '../domain-dump-flags.js';
import { DomainDeviceModifyFlags, DomainModificationImpact, type DomainState, DomainMemoryModFlags, DomainVcpuFlags, DomainXMLFlags } from '../flags.js';
import { checkExclusiveFlags, checkNonNegative, checkNonZero, checkRequiredFlag, checkSendKeyArgs } from './arg-checks.js';
import type { DomainScreenshot } from '../driver/domain-input-entry-points.js';
import type { DomainBlockJobInfo } from '../driver/domain-blockjob-entry-points.js';
import { DomainQemuAgentCommandTimeout, type DomainFSInfo } from '../driver/domain-agent-entry-points.js';
import { Handle, callOf, setRef } from './handle.js';
import { denyReadonly } from './entry-point.js';
import { DomainSnapshot } from './domain-snapshot.js';
import { DomainCheckpoint } from './domain-checkpoint.js';
import { DomainCheckpointCreateFlags as CC } from '../domain-state-flags.js';
import { checkGetMetadataArgs, checkSaveFlags, checkSetMetadataArgs, checkSnapshotCreateFlags } from './domain-state-args.js';
import { checkNonEmptyString } from './arg-checks.js';
import type {
  DomainCPUStats, DomainControlInfo, DomainDiskError, DomainIOThreadInfo, DomainMemoryStat, DomainTime,
} from '../driver/domain-tuning-entry-points.js';
import { TypedParameterFlags, findTypedParam, typedString, typedULLong, type TypedParameter } from '../typed-params.js';
import { DomainGetJobStatsFlags as JS, DomainMemoryStatTag } from '../domain-tuning-flags.js';
import type { DomainGuestVcpus, DomainJobInfo, DomainJobStats } from '../driver/domain-job-entry-points.js';
import { checkCPUStatsRange, checkTypedParams } from './typed-param-checks.js';
import { checkLifecycleArgs, checkMigrateFlags, migrateUnsupported } from './domain-control-args.js';
import { DomainMigrateFlags as MF, DomainMigrateParam as MP } from '../domain-control-flags.js';
import { checkMigrateMode, migrateVersion3, replaceStringParam } from './domain-migrate.js';
import type { Connection } from './connection.js';

/** A domain handle (libvirt's virDomainPtr): name, UUID and the id it had when looked up. */
/** VIR_EXCLUSIVE_FLAGS_GOTO(LIVE, CONFIG) of the impact-taking getters. */
function checkImpact(flags: number): void {
  checkExclusiveFlags(flags, DomainModificationImpact.LIVE, 'VIR_DOMAIN_AFFECT_LIVE', DomainModificationImpact.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
}

export class Domain extends Handle<'hypervisor', DomainRef> {
  static override readonly kind = 'hypervisor';

  getName(): string {
    return this.ref.name;
  }
  /** The id, or -1 for an inactive domain. */
  getID(): number {
    return this.ref.id;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }

  /** Starts a defined domain (virDomainCreateWithFlags). */
  async create(flags = 0): Promise<void> {
    setRef(this, await callOf(this)('domainCreate', 'virDomainCreateWithFlags', 'write')(this.ref, flags));
  }
  /** Starts a defined domain handing its guest this process's descriptors (virDomainCreateWithFiles; DomainCreateFlags). */
  async createWithFiles(fds: readonly number[], flags = 0): Promise<void> {
    setRef(this, await callOf(this)('domainCreateWithFiles', 'virDomainCreateWithFiles', 'write')(this.ref, fds, flags));
  }
  async destroy(flags = 0): Promise<void> {
    await callOf(this)('domainDestroy', flags ? 'virDomainDestroyFlags' : 'virDomainDestroy', 'write')(this.ref, flags);
    setRef(this, { ...this.ref, id: -1 });
  }
  async shutdown(flags = 0): Promise<void> {
    await callOf(this)('domainShutdown', flags ? 'virDomainShutdownFlags' : 'virDomainShutdown', 'write')(this.ref, flags);
  }
  async reboot(flags = 0): Promise<void> {
    await callOf(this)('domainReboot', 'virDomainReboot', 'write')(this.ref, flags);
  }
  async reset(flags = 0): Promise<void> {
    await callOf(this)('domainReset', 'virDomainReset', 'write')(this.ref, flags);
  }
  /** Sends the guest a non-maskable interrupt (virDomainInjectNMI). */
  async injectNMI(flags = 0): Promise<void> {
    await callOf(this)('domainInjectNMI', 'virDomainInjectNMI', 'write')(this.ref, flags);
  }
  async suspend(): Promise<void> {
    await callOf(this)('domainSuspend', 'virDomainSuspend', 'write')(this.ref);
  }
  async resume(): Promise<void> {
    await callOf(this)('domainResume', 'virDomainResume', 'write')(this.ref);
  }
  async undefine(flags = 0): Promise<void> {
    await callOf(this)('domainUndefine', flags ? 'virDomainUndefineFlags' : 'virDomainUndefine', 'write')(this.ref, flags);
  }

  /** The domain's XML; DomainXMLFlags.SECURE is refused on a read-only connection, as in libvirt. */
  async getXMLDesc(flags = 0): Promise<string> {
    if (flags & DomainXMLFlags.SECURE && this.conn.isReadOnly()) {
      throw new VirError(ErrorCode.OPERATION_DENIED, 'virDomainGetXMLDesc with secure flag');
    }
    return callOf(this)('domainGetXMLDesc', 'virDomainGetXMLDesc')(this.ref, flags);
  }
  getInfo(): Promise<DomainInfo> {
    return callOf(this)('domainGetInfo', 'virDomainGetInfo')(this.ref);
  }
  /** `[state, reason]`, as libvirt's bindings return it. */
  async getState(flags = 0): Promise<[state: DomainState, reason: number]> {
    const { state, reason } = await callOf(this)('domainGetState', 'virDomainGetState')(this.ref, flags);
    return [state as DomainState, reason];
  }
  getOSType(): Promise<string> {
    return callOf(this)('domainGetOSType', 'virDomainGetOSType')(this.ref);
  }
  isActive(): Promise<boolean> {
    return callOf(this)('domainIsActive', 'virDomainIsActive')(this.ref);
  }
  isPersistent(): Promise<boolean> {
    return callOf(this)('domainIsPersistent', 'virDomainIsPersistent')(this.ref);
  }
  getAutostart(): Promise<boolean> {
    return callOf(this)('domainGetAutostart', 'virDomainGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await callOf(this)('domainSetAutostart', 'virDomainSetAutostart', 'write')(this.ref, autostart);
  }
  hasManagedSaveImage(flags = 0): Promise<boolean> {
    return callOf(this)('domainHasManagedSaveImage', 'virDomainHasManagedSaveImage')(this.ref, flags);
  }
  getSecurityLabel(): Promise<SecurityLabel> {
    return callOf(this)('domainGetSecurityLabel', 'virDomainGetSecurityLabel')(this.ref);
  }

  /** Adds a device (virDomainAttachDeviceFlags; DomainDeviceModifyFlags). */
  async attachDeviceFlags(xml: string, flags = 0): Promise<void> {
    await callOf(this)('domainAttachDevice', 'virDomainAttachDeviceFlags', 'write')(this.ref, xml, flags);
  }
  /** Adds a device to the running domain (virDomainAttachDevice, which libvirt's drivers treat as LIVE). */
  async attachDevice(xml: string): Promise<void> {
    await callOf(this)('domainAttachDevice', 'virDomainAttachDevice', 'write')(this.ref, xml, DomainDeviceModifyFlags.LIVE);
  }
  /** Removes a device (virDomainDetachDeviceFlags; DomainDeviceModifyFlags). */
  async detachDeviceFlags(xml: string, flags = 0): Promise<void> {
    await callOf(this)('domainDetachDevice', 'virDomainDetachDeviceFlags', 'write')(this.ref, xml, flags);
  }
  /** Removes a device from the running domain (virDomainDetachDevice, LIVE). */
  async detachDevice(xml: string): Promise<void> {
    await callOf(this)('domainDetachDevice', 'virDomainDetachDevice', 'write')(this.ref, xml, DomainDeviceModifyFlags.LIVE);
  }
  /** I/O counters of one disk, by target or source path (virDomainBlockStats). */
  blockStats(disk: string): Promise<DomainBlockStats> {
    return callOf(this)('domainBlockStats', 'virDomainBlockStats')(this.ref, disk);
  }
  /** Changes a device in place (virDomainUpdateDeviceFlags; DomainDeviceModifyFlags). */
  async updateDeviceFlags(xml: string, flags = 0): Promise<void> {
    await callOf(this)('domainUpdateDevice', 'virDomainUpdateDeviceFlags', 'write')(this.ref, xml, flags);
  }
  /** Counters of one interface, by host-side name or MAC (virDomainInterfaceStats). */
  /**
   * The guest's interfaces and their addresses (virDomainInterfaceAddresses), from the network's
   * DHCP leases, the guest agent or the host's ARP table (DomainInterfaceAddressesSource); asking
   * the agent needs a read-write connection.
   */
  interfaceAddresses(source = 0, flags = 0): Promise<DomainInterface[]> {
    const call = callOf(this);
    const api = 'virDomainInterfaceAddresses';
    const fn = source === DomainInterfaceAddressesSource.AGENT ? call('domainInterfaceAddresses', api, 'write') : call('domainInterfaceAddresses', api);
    return fn(this.ref, source, flags);
  }
  /**
   * Dumps the guest's core to `to` (virDomainCoreDumpWithFormat): DomainCoreDumpFormat for
   * memory-only dumps, DomainCoreDumpFlags; the path is taken relative to this process.
   */
  coreDumpWithFormat(to: string, format = 0, flags = 0): Promise<void> {
    return this.#coreDump('virDomainCoreDumpWithFormat', to, format, flags);
  }
  /** virDomainCoreDump: a raw dump (DomainCoreDumpFlags), sent as its own call to a daemon. */
  coreDump(to: string, flags = 0): Promise<void> {
    return this.#coreDump('virDomainCoreDump', to, DomainCoreDumpFormat.RAW, flags);
  }
  async #coreDump(api: string, to: string, format: number, flags: number): Promise<void> {
    const C = DomainCoreDumpFlags;
    const bad = (msg: string): VirError => new VirError(ErrorCode.INVALID_ARG, undefined, ErrorDomain.DOMAIN, { message: msg });
    if (!(Number.isInteger(format) && format >= 0 && format <= DomainCoreDumpFormat.WIN_DMP)) throw bad(`dumpformat '${format}' is not supported`);
    if (flags & C.CRASH && flags & C.LIVE) throw bad('crash and live flags are mutually exclusive');
    if (flags & C.CRASH && flags & C.RESET) throw bad('crash and reset flags are mutually exclusive');
    if (flags & C.LIVE && flags & C.RESET) throw bad('live and reset flags are mutually exclusive');
    await callOf(this)('domainCoreDumpWithFormat', api, 'write')(this.ref, resolve(to), format, flags);
  }
  interfaceStats(device: string): Promise<DomainInterfaceStats> {
    return callOf(this)('domainInterfaceStats', 'virDomainInterfaceStats')(this.ref, device);
  }
  /** Capacity, allocation and physical size of one disk in bytes (virDomainGetBlockInfo). */
  blockInfo(disk: string, flags = 0): Promise<DomainBlockInfo> {
    return callOf(this)('domainGetBlockInfo', 'virDomainGetBlockInfo')(this.ref, disk, flags);
  }

  /** Memory in KiB (virDomainSetMemoryFlags; DomainMemoryModFlags, MAXIMUM for the limit). */
  async setMemoryFlags(kib: number, flags = 0): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMemoryFlags');
    await callOf(this)('domainSetMemoryFlags', 'virDomainSetMemoryFlags', 'write')(this.ref, kib, flags);
  }
  /** The running domain's memory in KiB (virDomainSetMemory). */
  async setMemory(kib: number): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMemory');
    await callOf(this)('domainSetMemoryFlags', 'virDomainSetMemory', 'write')(this.ref, kib, DomainMemoryModFlags.LIVE);
  }
  /** The memory limit in KiB (virDomainSetMaxMemory). */
  async setMaxMemory(kib: number): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMaxMemory');
    await callOf(this)('domainSetMemoryFlags', 'virDomainSetMaxMemory', 'write')(this.ref, kib, DomainMemoryModFlags.MAXIMUM);
  }
  /** Vcpu count (virDomainSetVcpusFlags; DomainVcpuFlags). */
  async setVcpusFlags(count: number, flags = 0): Promise<void> {
    checkNonZero(count, 'nvcpus', 'virDomainSetVcpusFlags');
    checkRequiredFlag(flags, DomainVcpuFlags.MAXIMUM, 'VIR_DOMAIN_VCPU_MAXIMUM', DomainVcpuFlags.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
    await callOf(this)('domainSetVcpusFlags', 'virDomainSetVcpusFlags', 'write')(this.ref, count, flags);
  }
  /** The running domain's vcpu count (virDomainSetVcpus). */
  async setVcpus(count: number): Promise<void> {
    checkNonZero(count, 'nvcpus', 'virDomainSetVcpus');
    await callOf(this)('domainSetVcpusFlags', 'virDomainSetVcpus', 'write')(this.ref, count, DomainVcpuFlags.LIVE);
  }
  /** Current or (DomainVcpuFlags.MAXIMUM) maximum vcpu count (virDomainGetVcpusFlags). */
  vcpusFlags(flags = 0): Promise<number> {
    return callOf(this)('domainGetVcpusFlags', 'virDomainGetVcpusFlags')(this.ref, flags);
  }
  /** Online vcpus of a running domain and their host CPU maps (virDomainGetVcpus). */
  vcpus(): Promise<DomainVcpus> {
    return callOf(this)('domainGetVcpus', 'virDomainGetVcpus')(this.ref);
  }
  /** One host CPU map per vcpu (virDomainGetVcpuPinInfo; DomainModificationImpact). */
  vcpuPinInfo(flags = 0): Promise<boolean[][]> {
    return callOf(this)('domainGetVcpuPinInfo', 'virDomainGetVcpuPinInfo')(this.ref, flags);
  }
  /** Pins a vcpu to host CPUs (virDomainPinVcpuFlags; DomainModificationImpact). */
  async pinVcpuFlags(vcpu: number, cpumap: readonly boolean[], flags = 0): Promise<void> {
    await callOf(this)('domainPinVcpuFlags', 'virDomainPinVcpuFlags', 'write')(this.ref, vcpu, cpumap, flags);
  }
  /** Pins a vcpu with the driver's own default impact (virDomainPinVcpu: the running domain on QEMU). */
  async pinVcpu(vcpu: number, cpumap: readonly boolean[]): Promise<void> {
    await callOf(this)('domainPinVcpu', 'virDomainPinVcpu', 'write')(this.ref, vcpu, cpumap);
  }
  /** QEMU monitor passthrough (virDomainQemuMonitorCommand): QEMU's reply as text. */
  qemuMonitorCommand(cmd: string, flags = 0): Promise<string> {
    return callOf(this)('qemuMonitorCommand', 'virDomainQemuMonitorCommand', 'write')(this.ref, cmd, flags);
  }
  /** A byte stream to a console (virDomainOpenConsole; the first console when `devName` is undefined; DomainConsoleFlags). */
  openConsole(devName?: string, flags = 0): Promise<Duplex> {
    return callOf(this)('domainOpenConsole', 'virDomainOpenConsole', 'write')(this.ref, devName, flags);
  }
  /** The namespaces of a container's init (virDomainLxcOpenNamespace). */
  lxcOpenNamespace(flags = 0): Promise<LxcNamespaces> {
    return callOf(this)('domainLxcOpenNamespace', 'virDomainLxcOpenNamespace', 'write')(this.ref, flags);
  }

  // The guest's keyboard and display (driver/domain-input-entry-points.ts).

  /** Presses `keycodes` of `codeset` (KeycodeSet, `@tsvirt/util/keycodes`) together, held `holdtime` ms (virDomainSendKey). */
  async sendKey(codeset: number, holdtime: number, keycodes: readonly number[], flags = 0): Promise<void> {
    checkSendKeyArgs(codeset, keycodes);
    await callOf(this)('domainSendKey', 'virDomainSendKey', 'write')(this.ref, codeset, holdtime, keycodes, flags);
  }
  /** What the display `screen` shows: its MIME type and a stream of the image (virDomainScreenshot). */
  screenshot(screen = 0, flags = 0): Promise<DomainScreenshot> {
    return callOf(this)('domainScreenshot', 'virDomainScreenshot', 'write')(this.ref, screen, flags);
  }

  // The guest agent (driver/domain-agent-entry-points.ts).

  /** Passes a command to the QEMU guest agent (virDomainQemuAgentCommand); `timeout` in seconds or DomainQemuAgentCommandTimeout. */
  qemuAgentCommand(cmd: string, timeout: number = DomainQemuAgentCommandTimeout.DEFAULT, flags = 0): Promise<string> {
    return callOf(this)('qemuAgentCommand', 'virDomainQemuAgentCommand', 'write')(this.ref, cmd, timeout, flags);
  }
  /** The guest's mounted file systems (virDomainGetFSInfo). */
  getFSInfo(flags = 0): Promise<DomainFSInfo[]> {
    return callOf(this)('domainGetFSInfo', 'virDomainGetFSInfo', 'write')(this.ref, flags);
  }
  /** Sets a guest user's password through the agent (virDomainSetUserPassword). */
  async setUserPassword(user: string, password: string, flags = 0): Promise<void> {
    await callOf(this)('domainSetUserPassword', 'virDomainSetUserPassword', 'write')(this.ref, user, password, flags);
  }
  /** Freezes the guest file systems mounted at `mountpoints`, all when none (virDomainFSFreeze); returns how many froze. */
  fsFreeze(mountpoints: readonly string[] = [], flags = 0): Promise<number> {
    return callOf(this)('domainFSFreeze', 'virDomainFSFreeze', 'write')(this.ref, mountpoints, flags);
  }
  /** Thaws the guest's frozen file systems (virDomainFSThaw); returns how many thawed. */
  fsThaw(mountpoints: readonly string[] = [], flags = 0): Promise<number> {
    return callOf(this)('domainFSThaw', 'virDomainFSThaw', 'write')(this.ref, mountpoints, flags);
  }
  /** Discards the guest file systems' unused blocks, in extents of at least `minimum` bytes (virDomainFSTrim). */
  async fsTrim(mountPoint?: string, minimum = 0n, flags = 0): Promise<void> {
    await callOf(this)('domainFSTrim', 'virDomainFSTrim', 'write')(this.ref, mountPoint, minimum, flags);
  }
  /** A guest user's authorized SSH keys (virDomainAuthorizedSSHKeysGet). */
  authorizedSSHKeysGet(user: string, flags = 0): Promise<string[]> {
    return callOf(this)('domainAuthorizedSSHKeysGet', 'virDomainAuthorizedSSHKeysGet', 'write')(this.ref, user, flags);
  }
  /** Adds (APPEND), removes (REMOVE) or, with neither, replaces a guest user's authorized SSH keys (virDomainAuthorizedSSHKeysSet). */
  async authorizedSSHKeysSet(user: string, keys: readonly string[], flags = 0): Promise<void> {
    await callOf(this)('domainAuthorizedSSHKeysSet', 'virDomainAuthorizedSSHKeysSet', 'write')(this.ref, user, keys, flags);
  }

  // Block jobs and block devices (driver/domain-blockjob-entry-points.ts); a disk is its target or source path.

  /** The disk's block job, or undefined without one (virDomainGetBlockJobInfo; DomainBlockJobInfoFlags). */
  blockJobInfo(disk: string, flags = 0): Promise<DomainBlockJobInfo | undefined> {
    const call = callOf(this)('domainGetBlockJobInfo', 'virDomainGetBlockJobInfo');
    checkNonEmptyString(disk, 'disk', 'virDomainGetBlockJobInfo');
    return call(this.ref, disk, flags);
  }
  /** Cancels the disk's job, or pivots to a copy (virDomainBlockJobAbort; DomainBlockJobAbortFlags). */
  async blockJobAbort(disk: string, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockJobAbort', 'virDomainBlockJobAbort', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockJobAbort');
    await call(this.ref, disk, flags);
  }
  async blockJobSetSpeed(disk: string, bandwidth: bigint, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockJobSetSpeed', 'virDomainBlockJobSetSpeed', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockJobSetSpeed');
    await call(this.ref, disk, bandwidth, flags);
  }
  async blockPull(disk: string, bandwidth = 0n, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockPull', 'virDomainBlockPull', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockPull');
    await call(this.ref, disk, bandwidth, flags);
  }
  async blockRebase(disk: string, base: string | undefined, bandwidth = 0n, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockRebase', 'virDomainBlockRebase', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockRebase');
    await call(this.ref, disk, base, bandwidth, flags);
  }
  /** Copies the disk to the destination `<disk>` XML (virDomainBlockCopy; DomainBlockCopyParam, DomainBlockCopyFlags). */
  async blockCopy(disk: string, destxml: string, params: readonly TypedParameter[] = [], flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockCopy', 'virDomainBlockCopy', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockCopy');
    checkNonEmptyString(destxml, 'destxml', 'virDomainBlockCopy');
    await call(this.ref, disk, destxml, checkTypedParams(params), flags);
  }
  async blockCommit(disk: string, base: string | undefined, top: string | undefined, bandwidth = 0n, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockCommit', 'virDomainBlockCommit', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockCommit');
    await call(this.ref, disk, base, top, bandwidth, flags);
  }
  /** New size in KiB, or bytes with DomainBlockResizeFlags.BYTES (virDomainBlockResize). */
  async blockResize(disk: string, size: bigint, flags = 0): Promise<void> {
    const call = callOf(this)('domainBlockResize', 'virDomainBlockResize', 'write');
    checkNonEmptyString(disk, 'disk', 'virDomainBlockResize');
    await call(this.ref, disk, size, flags);
  }
  /** BLOCK_THRESHOLD once writes pass `threshold` bytes of `dev` (virDomainSetBlockThreshold). */
  async setBlockThreshold(dev: string, threshold: bigint, flags = 0): Promise<void> {
    const call = callOf(this)('domainSetBlockThreshold', 'virDomainSetBlockThreshold', 'write');
    checkNonEmptyString(dev, 'dev', 'virDomainSetBlockThreshold');
    await call(this.ref, dev, threshold, flags);
  }

  // Tuning, statistics and guest facts (driver/domain-tuning-entry-points.ts).

  /** Total (startCpu -1, ncpus 1) or per-CPU usage; ncpus 0 gives the CPU count only (virDomainGetCPUStats). */
  getCPUStats(startCpu: number, ncpus: number, flags = 0): Promise<DomainCPUStats> {
    const call = callOf(this)('domainGetCPUStats', 'virDomainGetCPUStats');
    checkCPUStatsRange(startCpu, ncpus);
    return call(this.ref, startCpu, ncpus, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** The scheduler's name and its parameter count (virDomainGetSchedulerType). */
  schedulerType(): Promise<{ type: string; nparams: number }> {
    return callOf(this)('domainGetSchedulerType', 'virDomainGetSchedulerType')(this.ref);
  }
  /** virDomainGetSchedulerParameters, or with flags (DomainModificationImpact) ...Flags, which also accepts STRING parameters. */
  schedulerParameters(flags?: number): Promise<TypedParameter[]> {
    const api = flags === undefined ? 'virDomainGetSchedulerParameters' : 'virDomainGetSchedulerParametersFlags';
    return callOf(this)('domainGetSchedulerParameters', api)(this.ref, flags === undefined ? 0 : flags | TypedParameterFlags.STRING_OKAY);
  }
  /** virDomainSetSchedulerParameters, or with flags (DomainModificationImpact) virDomainSetSchedulerParametersFlags. */
  async setSchedulerParameters(params: readonly TypedParameter[], flags?: number): Promise<void> {
    const api = flags === undefined ? 'virDomainSetSchedulerParameters' : 'virDomainSetSchedulerParametersFlags';
    await callOf(this)('domainSetSchedulerParameters', api, 'write')(this.ref, checkTypedParams(params), flags ?? 0);
  }
  /** The number of memory parameters (virDomainGetMemoryParameters asked for the count only). */
  memoryParameterCount(flags = 0): Promise<number> {
    return callOf(this)('domainGetMemoryParameterCount', 'virDomainGetMemoryParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** Memory limits in KiB (virDomainGetMemoryParameters; DomainModificationImpact); 2^53-1 means unlimited. */
  memoryParameters(flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetMemoryParameters', 'virDomainGetMemoryParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setMemoryParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetMemoryParameters', 'virDomainSetMemoryParameters', 'write')(this.ref, checkTypedParams(params), flags);
  }
  /** The number of blkio parameters (virDomainGetBlkioParameters asked for the count only). */
  blkioParameterCount(flags = 0): Promise<number> {
    return callOf(this)('domainGetBlkioParameterCount', 'virDomainGetBlkioParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  blkioParameters(flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetBlkioParameters', 'virDomainGetBlkioParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setBlkioParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetBlkioParameters', 'virDomainSetBlkioParameters', 'write')(this.ref, checkTypedParams(params), flags);
  }
  /** The number of NUMA parameters (virDomainGetNumaParameters asked for the count only). */
  numaParameterCount(flags = 0): Promise<number> {
    return callOf(this)('domainGetNumaParameterCount', 'virDomainGetNumaParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  numaParameters(flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetNumaParameters', 'virDomainGetNumaParameters')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setNumaParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetNumaParameters', 'virDomainSetNumaParameters', 'write')(this.ref, checkTypedParams(params), flags);
  }
  perfEvents(flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetPerfEvents', 'virDomainGetPerfEvents')(this.ref, flags);
  }
  async setPerfEvents(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetPerfEvents', 'virDomainSetPerfEvents', 'write')(this.ref, checkTypedParams(params), flags);
  }
  /** Up to `nrStats` memory counters (virDomainMemoryStats; DomainMemoryStatTag). */
  memoryStats(nrStats: number = DomainMemoryStatTag.NR, flags = 0): Promise<DomainMemoryStat[]> {
    return callOf(this)('domainMemoryStats', 'virDomainMemoryStats')(this.ref, nrStats, flags);
  }
  async setMemoryStatsPeriod(period: number, flags = 0): Promise<void> {
    const call = callOf(this)('domainSetMemoryStatsPeriod', 'virDomainSetMemoryStatsPeriod', 'write');
    checkNonNegative(period, 'period', 'virDomainSetMemoryStatsPeriod');
    await call(this.ref, period, flags);
  }
  /** The guest clock (virDomainGetTime; needs a read-write connection, as it asks the guest). */
  getTime(flags = 0): Promise<DomainTime> {
    return callOf(this)('domainGetTime', 'virDomainGetTime', 'write')(this.ref, flags);
  }
  /** Sets the guest clock (virDomainSetTime; DomainSetTimeFlags.SYNC takes it from the guest's RTC instead). */
  async setTime(time: DomainTime, flags = 0): Promise<void> {
    await callOf(this)('domainSetTime', 'virDomainSetTime', 'write')(this.ref, time, flags);
  }
  /** The guest's hostname (virDomainGetHostname; DomainGetHostnameFlags; needs a read-write connection). */
  getHostname(flags = 0): Promise<string> {
    return callOf(this)('domainGetHostname', 'virDomainGetHostname', 'write')(this.ref, flags);
  }
  controlInfo(flags = 0): Promise<DomainControlInfo> {
    return callOf(this)('domainGetControlInfo', 'virDomainGetControlInfo')(this.ref, flags);
  }
  /** Disks that hit an I/O error (virDomainGetDiskErrors; DomainDiskErrorCode). */
  diskErrors(flags = 0): Promise<DomainDiskError[]> {
    return callOf(this)('domainGetDiskErrors', 'virDomainGetDiskErrors')(this.ref, flags);
  }
  /** IOThreads and their host CPU maps (virDomainGetIOThreadInfo; DomainModificationImpact). */
  ioThreadInfo(flags = 0): Promise<DomainIOThreadInfo[]> {
    return callOf(this)('domainGetIOThreadInfo', 'virDomainGetIOThreadInfo')(this.ref, flags);
  }
  async addIOThread(iothreadId: number, flags = 0): Promise<void> {
    await callOf(this)('domainAddIOThread', 'virDomainAddIOThread', 'write')(this.ref, iothreadId, flags);
  }
  async delIOThread(iothreadId: number, flags = 0): Promise<void> {
    const call = callOf(this)('domainDelIOThread', 'virDomainDelIOThread', 'write');
    checkNonZero(iothreadId, 'iothread_id', 'virDomainDelIOThread');
    await call(this.ref, iothreadId, flags);
  }
  async pinIOThread(iothreadId: number, cpumap: readonly boolean[], flags = 0): Promise<void> {
    await callOf(this)('domainPinIOThread', 'virDomainPinIOThread', 'write')(this.ref, iothreadId, cpumap, flags);
  }
  async setIOThreadParams(iothreadId: number, params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetIOThreadParams', 'virDomainSetIOThreadParams', 'write')(this.ref, iothreadId, checkTypedParams(params), flags);
  }

  // Jobs, migration tunables, the guest agent and power management (driver/domain-job-entry-points.ts).

  getJobInfo(): Promise<DomainJobInfo> {
    return callOf(this)('domainGetJobInfo', 'virDomainGetJobInfo')(this.ref);
  }
  /** The current or (DomainGetJobStatsFlags.COMPLETED) last job's statistics (virDomainGetJobStats). */
  async getJobStats(flags = 0): Promise<DomainJobStats> {
    checkRequiredFlag(flags, JS.KEEP_COMPLETED, 'VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED', JS.COMPLETED, 'VIR_DOMAIN_JOB_STATS_COMPLETED');
    return callOf(this)('domainGetJobStats', 'virDomainGetJobStats')(this.ref, flags);
  }
  /** virDomainAbortJob, or with flags (DomainAbortJobFlags) virDomainAbortJobFlags. */
  async abortJob(flags = 0): Promise<void> {
    await callOf(this)('domainAbortJob', flags ? 'virDomainAbortJobFlags' : 'virDomainAbortJob', 'write')(this.ref, flags);
  }
  migrateGetMaxDowntime(flags = 0): Promise<bigint> {
    return callOf(this)('domainMigrateGetMaxDowntime', 'virDomainMigrateGetMaxDowntime')(this.ref, flags);
  }
  async migrateSetMaxDowntime(downtime: bigint, flags = 0): Promise<void> {
    await callOf(this)('domainMigrateSetMaxDowntime', 'virDomainMigrateSetMaxDowntime', 'write')(this.ref, downtime, flags);
  }
  migrateGetCompressionCache(flags = 0): Promise<bigint> {
    return callOf(this)('domainMigrateGetCompressionCache', 'virDomainMigrateGetCompressionCache')(this.ref, flags);
  }
  async migrateSetCompressionCache(size: bigint, flags = 0): Promise<void> {
    await callOf(this)('domainMigrateSetCompressionCache', 'virDomainMigrateSetCompressionCache', 'write')(this.ref, size, flags);
  }
  /** Bandwidth in MiB/s (virDomainMigrateGetMaxSpeed; DomainMigrateMaxSpeedFlags); needs a read-write connection. */
  migrateGetMaxSpeed(flags = 0): Promise<bigint> {
    return callOf(this)('domainMigrateGetMaxSpeed', 'virDomainMigrateGetMaxSpeed', 'write')(this.ref, flags);
  }
  async migrateSetMaxSpeed(bandwidth: bigint, flags = 0): Promise<void> {
    await callOf(this)('domainMigrateSetMaxSpeed', 'virDomainMigrateSetMaxSpeed', 'write')(this.ref, bandwidth, flags);
  }
  async migrateStartPostCopy(flags = 0): Promise<void> {
    await callOf(this)('domainMigrateStartPostCopy', 'virDomainMigrateStartPostCopy', 'write')(this.ref, flags);
  }
  /** The guest's view of its vcpus, through the agent (virDomainGetGuestVcpus). */
  getGuestVcpus(flags = 0): Promise<DomainGuestVcpus> {
    return callOf(this)('domainGetGuestVcpus', 'virDomainGetGuestVcpus', 'write')(this.ref, flags);
  }
  async setGuestVcpus(cpumap: string, state: boolean, flags = 0): Promise<void> {
    await callOf(this)('domainSetGuestVcpus', 'virDomainSetGuestVcpus', 'write')(this.ref, cpumap, state, flags);
  }
  /** What the guest agent reports (virDomainGetGuestInfo; DomainGuestInfoTypes, 0 for all). */
  getGuestInfo(types = 0, flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetGuestInfo', 'virDomainGetGuestInfo', 'write')(this.ref, types, flags);
  }
  async startDirtyRateCalc(seconds: number, flags = 0): Promise<void> {
    await callOf(this)('domainStartDirtyRateCalc', 'virDomainStartDirtyRateCalc', 'write')(this.ref, seconds, flags);
  }
  /** Seconds to wait for the agent, or DomainAgentResponseTimeout (virDomainAgentSetResponseTimeout). */
  async agentSetResponseTimeout(timeout: number, flags = 0): Promise<void> {
    await callOf(this)('domainAgentSetResponseTimeout', 'virDomainAgentSetResponseTimeout', 'write')(this.ref, timeout, flags);
  }
  async pmWakeup(flags = 0): Promise<void> {
    await callOf(this)('domainPMWakeup', 'virDomainPMWakeup', 'write')(this.ref, flags);
  }
  /** Suspends the guest to NodeSuspendTarget for `duration` seconds (virDomainPMSuspendForDuration). */
  async pmSuspendForDuration(target: number, duration: bigint, flags = 0): Promise<void> {
    await callOf(this)('domainPMSuspendForDuration', 'virDomainPMSuspendForDuration', 'write')(this.ref, target, duration, flags);
  }

  // Saved state, managed save, renaming, metadata and snapshots (driver/domain-state-entry-points.ts).

  /** Saves the domain's memory to `path` and stops it (virDomainSaveFlags; DomainSaveRestoreFlags). */
  async save(path: string, dxml?: string, flags = 0): Promise<void> {
    const call = callOf(this)('domainSave', dxml !== undefined || flags ? 'virDomainSaveFlags' : 'virDomainSave', 'write');
    checkSaveFlags(flags);
    // libvirt's client library hands the driver an absolute path.
    await call(this.ref, resolve(path), dxml, flags);
    setRef(this, { ...this.ref, id: -1 });
  }
  /** Saves the domain to a file its next start resumes from (virDomainManagedSave). */
  async managedSave(flags = 0): Promise<void> {
    const call = callOf(this)('domainManagedSave', 'virDomainManagedSave', 'write');
    checkSaveFlags(flags);
    await call(this.ref, flags);
    setRef(this, { ...this.ref, id: -1 });
  }
  async managedSaveRemove(flags = 0): Promise<void> {
    await callOf(this)('domainManagedSaveRemove', 'virDomainManagedSaveRemove', 'write')(this.ref, flags);
  }
  managedSaveGetXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('domainManagedSaveGetXMLDesc', 'virDomainManagedSaveGetXMLDesc')(this.ref, flags);
  }
  async managedSaveDefineXML(dxml: string, flags = 0): Promise<void> {
    const call = callOf(this)('domainManagedSaveDefineXML', 'virDomainManagedSaveDefineXML', 'write');
    checkSaveFlags(flags);
    await call(this.ref, dxml, flags);
  }
  /** Why the domain is tainted and what of its configuration is deprecated (virDomainGetMessages; DomainMessageType). */
  getMessages(flags = 0): Promise<string[]> {
    return callOf(this)('domainGetMessages', 'virDomainGetMessages')(this.ref, flags);
  }
  /** Renames an inactive domain (virDomainRename); the handle takes the new name. */
  async rename(newName: string, flags = 0): Promise<void> {
    const call = callOf(this)('domainRename', 'virDomainRename', 'write');
    checkNonEmptyString(newName, 'new_name', 'virDomainRename');
    setRef(this, await call(this.ref, newName, flags));
  }
  /** Sets or (metadata undefined) removes a description, title or namespaced element (virDomainSetMetadata). */
  async setMetadata(type: number, metadata: string | undefined, key: string | undefined, uri: string | undefined, flags = 0): Promise<void> {
    const call = callOf(this)('domainSetMetadata', 'virDomainSetMetadata', 'write');
    checkSetMetadataArgs(type, metadata, key, uri);
    await call(this.ref, type, metadata, key, uri, flags);
  }
  /** The description, title or the element in namespace `uri` (virDomainGetMetadata; DomainMetadataType). */
  metadata(type: number, uri: string | undefined, flags = 0): Promise<string> {
    const call = callOf(this)('domainGetMetadata', 'virDomainGetMetadata');
    checkGetMetadataArgs(type, uri, flags);
    return call(this.ref, type, uri, flags);
  }

  /** Creates a snapshot from `<domainsnapshot>` XML (virDomainSnapshotCreateXML; DomainSnapshotCreateFlags). */
  async snapshotCreateXML(xml: string, flags = 0): Promise<DomainSnapshot> {
    const call = callOf(this)('domainSnapshotCreateXML', 'virDomainSnapshotCreateXML', 'write');
    checkSnapshotCreateFlags(flags);
    return new DomainSnapshot(this, (await call(this.ref, xml, flags)).name);
  }
  /** Snapshots matching DomainSnapshotListFlags (virDomainListAllSnapshots). */
  async listAllSnapshots(flags = 0): Promise<DomainSnapshot[]> {
    const names = await callOf(this)('domainListAllSnapshots', 'virDomainListAllSnapshots')(this.ref, flags);
    return names.map((n) => new DomainSnapshot(this, n));
  }
  snapshotListNames(flags = 0): Promise<string[]> {
    return callOf(this)('domainListAllSnapshots', 'virDomainSnapshotListNames')(this.ref, flags);
  }
  async snapshotNum(flags = 0): Promise<number> {
    return (await callOf(this)('domainListAllSnapshots', 'virDomainSnapshotNum')(this.ref, flags)).length;
  }
  async snapshotLookupByName(name: string, flags = 0): Promise<DomainSnapshot> {
    const ref = await callOf(this)('domainSnapshotLookupByName', 'virDomainSnapshotLookupByName')(this.ref, name, flags);
    return new DomainSnapshot(this, ref.name);
  }
  hasCurrentSnapshot(flags = 0): Promise<boolean> {
    return callOf(this)('domainHasCurrentSnapshot', 'virDomainHasCurrentSnapshot')(this.ref, flags);
  }
  async snapshotCurrent(flags = 0): Promise<DomainSnapshot> {
    const ref = await callOf(this)('domainSnapshotCurrent', 'virDomainSnapshotCurrent')(this.ref, flags);
    return new DomainSnapshot(this, ref.name);
  }
  /** virDomainRevertToSnapshot, as the bindings spell it on the domain. */
  revertToSnapshot(snap: DomainSnapshot, flags = 0): Promise<void> {
    return snap.revert(flags);
  }
  /** Creates a checkpoint from `<domaincheckpoint>` XML (virDomainCheckpointCreateXML; DomainCheckpointCreateFlags). */
  async checkpointCreateXML(xml: string, flags = 0): Promise<DomainCheckpoint> {
    const call = callOf(this)('domainCheckpointCreateXML', 'virDomainCheckpointCreateXML', 'write');
    checkRequiredFlag(flags, CC.REDEFINE_VALIDATE, 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE', CC.REDEFINE, 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE');
    return new DomainCheckpoint(this, (await call(this.ref, xml, flags)).name);
  }
  /** Checkpoints matching DomainCheckpointListFlags (virDomainListAllCheckpoints). */
  async listAllCheckpoints(flags = 0): Promise<DomainCheckpoint[]> {
    const names = await callOf(this)('domainListAllCheckpoints', 'virDomainListAllCheckpoints')(this.ref, flags);
    return names.map((n) => new DomainCheckpoint(this, n));
  }
  async checkpointLookupByName(name: string, flags = 0): Promise<DomainCheckpoint> {
    const ref = await callOf(this)('domainCheckpointLookupByName', 'virDomainCheckpointLookupByName')(this.ref, name, flags);
    return new DomainCheckpoint(this, ref.name);
  }
  /** Starts a backup job (DomainBackupBeginFlags); without `backupXML` a full push backup of every disk. */
  async backupBegin(backupXML?: string, checkpointXML?: string, flags = 0): Promise<void> {
    await callOf(this)('domainBackupBegin', 'virDomainBackupBegin', 'write')(this.ref, backupXML, checkpointXML, flags);
  }
  backupGetXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('domainBackupGetXMLDesc', 'virDomainBackupGetXMLDesc')(this.ref, flags);
  }
  /** Sends a signal to a process in the guest (virDomainSendProcessSignal; `signum` in libvirt's virDomainProcessSignal numbering). */
  async sendProcessSignal(pid: bigint | number, signum: number, flags = 0): Promise<void> {
    const call = callOf(this)('domainSendProcessSignal', 'virDomainSendProcessSignal', 'write');
    checkNonZero(Number(pid), 'pid_value', 'virDomainSendProcessSignal');
    await call(this.ref, BigInt(pid), signum, flags);
  }
  /** The action taken on a lifecycle event (virDomainSetLifecycleAction; DomainLifecycle, DomainLifecycleAction, DomainModificationImpact). */
  async setLifecycleAction(type: number, action: number, flags = 0): Promise<void> {
    const call = callOf(this)('domainSetLifecycleAction', 'virDomainSetLifecycleAction', 'write');
    checkLifecycleArgs(type, action);
    await call(this.ref, type, action, flags);
  }
  /** Enables or disables the vcpus of a list such as `1-3,^2` (virDomainSetVcpu; DomainModificationImpact). */
  async setVcpu(vcpumap: string, state: boolean, flags = 0): Promise<void> {
    await callOf(this)('domainSetVcpu', 'virDomainSetVcpu', 'write')(this.ref, vcpumap, state ? 1 : 0, flags);
  }
  /** Removes the device with this alias (virDomainDetachDeviceAlias; DomainDeviceModifyFlags). */
  async detachDeviceAlias(alias: string, flags = 0): Promise<void> {
    await callOf(this)('domainDetachDeviceAlias', 'virDomainDetachDeviceAlias', 'write')(this.ref, alias, flags);
  }
  /** Hands the domain this process's descriptors as the group `name` (virDomainFDAssociate; DomainFDAssociateFlags). */
  async fdAssociate(name: string, fds: readonly number[], flags = 0): Promise<void> {
    if (fds.length === 0) throw new VirError(ErrorCode.INVALID_ARG, undefined, ErrorDomain.DOMAIN, { message: 'nfds in virDomainFDAssociate must not be zero' });
    await callOf(this)('domainFDAssociate', 'virDomainFDAssociate', 'write')(this.ref, name, fds, flags);
  }
  /** Host CPUs the emulator threads may use (virDomainGetEmulatorPinInfo; DomainModificationImpact). */
  async emulatorPinInfo(flags = 0): Promise<boolean[]> {
    const call = callOf(this)('domainGetEmulatorPinInfo', 'virDomainGetEmulatorPinInfo');
    checkImpact(flags);
    return call(this.ref, flags);
  }
  async pinEmulator(cpumap: readonly boolean[], flags = 0): Promise<void> {
    await callOf(this)('domainPinEmulator', 'virDomainPinEmulator', 'write')(this.ref, cpumap, flags);
  }
  /** How many I/O limits a disk has (virDomainGetBlockIoTune asked for the count only). */
  async blockIoTuneCount(disk: string | undefined, flags = 0): Promise<number> {
    const call = callOf(this)('domainGetBlockIoTuneCount', 'virDomainGetBlockIoTune');
    checkImpact(flags);
    return call(this.ref, disk, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** A disk's I/O limits (virDomainGetBlockIoTune; DOMAIN_BLOCK_IOTUNE_FIELDS; DomainModificationImpact). */
  async blockIoTune(disk: string, flags = 0): Promise<TypedParameter[]> {
    const call = callOf(this)('domainGetBlockIoTune', 'virDomainGetBlockIoTune');
    checkImpact(flags);
    return call(this.ref, disk, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setBlockIoTune(disk: string, params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetBlockIoTune', 'virDomainSetBlockIoTune', 'write')(this.ref, disk, checkTypedParams(params), flags);
  }
  /** How many bandwidth parameters an interface has (virDomainGetInterfaceParameters asked for the count only). */
  interfaceParameterCount(device: string, flags = 0): Promise<number> {
    return callOf(this)('domainGetInterfaceParameterCount', 'virDomainGetInterfaceParameters')(this.ref, device, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** An interface's bandwidth, named by target or MAC (virDomainGetInterfaceParameters; DOMAIN_BANDWIDTH_FIELDS). */
  async interfaceParameters(device: string, flags = 0): Promise<TypedParameter[]> {
    const call = callOf(this)('domainGetInterfaceParameters', 'virDomainGetInterfaceParameters');
    checkImpact(flags);
    return call(this.ref, device, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setInterfaceParameters(device: string, params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetInterfaceParameters', 'virDomainSetInterfaceParameters', 'write')(this.ref, device, checkTypedParams(params), flags);
  }
  /** A confidential guest's launch measurement (virDomainGetLaunchSecurityInfo); needs a read-write connection. */
  launchSecurityInfo(flags = 0): Promise<TypedParameter[]> {
    return callOf(this)('domainGetLaunchSecurityInfo', 'virDomainGetLaunchSecurityInfo', 'write')(this.ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setLaunchSecurityState(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await callOf(this)('domainSetLaunchSecurityState', 'virDomainSetLaunchSecurityState', 'write')(this.ref, checkTypedParams(params), flags);
  }
  /**
   * Migrates to the host `dconn` is connected to (virDomainMigrate3; DomainMigrateFlags,
   * DomainMigrateParam) and answers the domain there. Without PEER2PEER this client runs the five
   * phases itself (objects/domain-migrate.ts); with it the source reaches `dconn`'s URI itself.
   */
  async migrate3(dconn: Connection, params: readonly TypedParameter[], flags = 0): Promise<Domain> {
    checkMigrateFlags(flags);
    checkMigrateMode(flags);
    denyReadonly(dconn.isReadOnly(), 'virDomainMigrate3');
    if (flags & MF.PEER2PEER) {
      await this.migrateToURI3(dconn.getURI(), params, flags);
      const dname = findTypedParam(params, MP.DEST_NAME)?.value;
      return typeof dname === 'string' ? dconn.lookupByName(dname) : dconn.lookupByUUIDString(this.ref.uuid);
    }
    return new Domain(dconn, await migrateVersion3({ conn: this.conn, ref: this.ref }, dconn, checkTypedParams(params), flags));
  }
  /**
   * virDomainMigrate: virDomainMigrate3 with its classic arguments (a new name, QEMU's URI, a
   * bandwidth in MiB/s), each left out when unset.
   */
  migrate(dconn: Connection, flags = 0, dname?: string, uri?: string, bandwidth = 0n): Promise<Domain> {
    const params: TypedParameter[] = [];
    if (dname !== undefined) params.push(typedString(MP.DEST_NAME, dname));
    if (uri !== undefined) params.push(typedString(MP.URI, uri));
    if (bandwidth) params.push(typedULLong(MP.BANDWIDTH, bandwidth));
    return this.migrate3(dconn, params, flags);
  }
  /**
   * Peer-to-peer migration to `dconnuri` (virDomainMigrateToURI3 with DomainMigrateFlags.PEER2PEER):
   * the source driver's Perform phase opens the destination and runs its phases there. Without it,
   * direct migration: the hypervisor itself is handed `dconnuri` (a mode no driver here has).
   */
  async migrateToURI3(dconnuri: string, params: readonly TypedParameter[], flags = 0): Promise<void> {
    const call = callOf(this)('domainMigratePerform3Params', 'virDomainMigrateToURI3', 'write');
    checkMigrateFlags(flags);
    checkMigrateMode(flags);
    // direct: the destination's address goes to the hypervisor as the migration URI
    const p2p = (flags & MF.PEER2PEER) !== 0;
    const sent = p2p ? checkTypedParams(params) : replaceStringParam(checkTypedParams(params), MP.URI, dconnuri);
    await call(this.ref, p2p ? dconnuri : undefined, sent, new Uint8Array(0), flags).catch((e: unknown) => {
      throw migrateUnsupported(e, flags);
    });
  }
}
