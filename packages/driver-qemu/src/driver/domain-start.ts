import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { DomainEventAgentLifecycleReason, DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { buildCommandLine, emulatorOf } from '../command/qemu-command.js';
import { recordPtys, recordVirtioConsoles } from '../console/chardev-ptys.js';
import { nicAliases, withDeviceAliases } from '../devices/device-aliases.js';
import type { ResolvedDisk } from '../command/disk-props.js';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { VNC_LISTEN } from '../command/device-args.js';
import { hugepageContext, makeHugepageDirs } from '../process/hugetlbfs.js';
import { FIRST_PASSED_FD, launchQemu } from '../process/qemu-launch.js';
import { PassedFds } from '../process/passed-fds.js';
import { kernelRandomBytes } from '../process/kernel-random.js';
import type { HostFds } from '../command/chardev-host.js';
import { checkEmulator } from '../process/emulator-check.js';
import { closePlugFds, plugInterfaces, type OpenedPlug } from '../network/interface-plug.js';
import { migrateFromFd, openStream } from '../save/migration-stream.js';
import { runStateArgs } from '../process/runstate-log.js';
import { eventMonitorArgs } from '../process/event-monitor.js';
import { lifecycleSetup } from '../events/lifecycle-actions.js';
import { balloonSetup } from './memory-stats.js';
import { throttleSetup } from '../iotune/block-iotune.js';
import { emulatorPinSetup } from '../cputune/emulator-pin.js';
import { plugStartupVcpus } from '../vcpu/vcpu-startup.js';
import { pinVcpuThreads } from '../vcpu/vcpu-affinity.js';
import { freeVncPort } from '../process/vnc-port.js';
import { buildSharedDiskTable, claimSharedDisks, sgioSettingsOf, sharedUsesOf } from '../shared-disks/shared-disk-table.js';
import { checkScsiHostdevsFree, planDomainScsiHostdevs } from '../shared-disks/scsi-hostdev-claims.js';
import { hostdevIds } from '../command/hostdev-args.js';
import { hostRenderNode } from '../command/render-node.js';
import { logFile, runDir } from '../state/driver-paths.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { qemuStore } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { pidFileIn, tearDown } from './domain-stop.js';
import { liveChain, nodesTaken, resolveDisksForStart } from './resolve-disks.js';
import { startTpmEmulators } from '../tpm/swtpm-emulator.js';
import { startVirtiofsds } from '../process/virtiofsd.js';
import { firmwareContext, selectFirmware } from '../firmware/firmware-select.js';
import { prepareNvram } from '../firmware/nvram-store.js';
import { agentLifecycle, recordChannels } from '../agent/channel-state.js';
import { assignFdSets } from '../fdgroup/fd-sets.js';
import { withFreshCopies } from '../fdgroup/fd-group-store.js';
import { recordMemoryDevices } from '../memdev/memory-live.js';
import { openVhostVsock, recordVsockCid, type OpenedVsock } from '../process/vhost-vsock.js';
import { closeSync } from 'node:fs';

/** How a start is asked for. */
export interface StartOptions {
  readonly paused: boolean;
  readonly persistent: boolean;
  /** A save image whose migration stream (from `offset`) the guest resumes from, instead of booting. */
  readonly restoreFrom?: { readonly path: string; readonly offset: number };
  /** An incoming migration's address (`tcp:HOST:PORT`): QEMU waits there, paused, for the source's state. */
  readonly incomingURI?: string;
  /**
   * A revert to a snapshot: FROM_SNAPSHOT events; the guest loaded from an internal snapshot's
   * state when named, and then FROM_SNAPSHOT reasons too (a booted one has the usual reasons, as libvirt's).
   */
  readonly fromSnapshot?: { readonly loadvm: string | undefined };
}

/** The accelerator a domain of this type runs on here (domxml-to-native asks it too). */
export async function accelFor(drv: DriverContext, def: DomainDef): Promise<'kvm' | 'tcg'> {
  if (def.type === 'qemu') return 'tcg';
  if (def.type === 'kvm' && (await drv.kvmUsable())) return 'kvm';
  throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Emulator '${emulatorOf(def)}' does not support virt type '${def.type}'`, ErrorDomain.QEMU);
}

/** Records each device's id in the live definition, as libvirt's `<alias>` (the command line names devices by them). */
function recordAliases(def: DomainDef, disks: readonly ResolvedDisk[]): void {
  def.devices = withDeviceAliases(def).devices;
  recordVirtioConsoles(def);
  for (const d of disks) writeBack(def, { ...d.view.disk, alias: d.alias, ...liveChain(d) });
  const nics = devicesOf(def.devices, 'interface');
  const nicIds = nicAliases(nics);
  nics.forEach((nic, i) => writeBack(def, { ...nic, alias: nicIds[i] }));
  const hostdevs = devicesOf(def.devices, 'hostdev');
  const ids = hostdevIds(hostdevs);
  hostdevs.forEach((h, i) => writeBack(def, { ...h, alias: ids[i] }));
}

/** The live definition shows the port an autoport VNC display got and the address it listens on, as libvirt's does. */
function recordVnc(def: DomainDef, port: number | undefined): void {
  const g = devicesOf(def.devices, 'graphics').find((x) => x.type === 'vnc');
  if (g) writeBack(def, { ...g, ...(port !== undefined ? { port } : {}), ...listenDefaults(g) });
}

/** A VNC display without an address listens on libvirt's default, 127.0.0.1, and the live XML says so. */
function listenDefaults(g: DeviceOf<'graphics'>): Partial<DeviceOf<'graphics'>> {
  const first = g.listens?.[0];
  if (g.listenAddress !== undefined || (first && first.type !== 'address') || first?.address !== undefined) return {};
  return { listenAddress: VNC_LISTEN, listens: [{ ...first, type: 'address', address: VNC_LISTEN }, ...(g.listens?.slice(1) ?? [])] };
}

/** The chardevs' sockets and files a start opens and passes, their fd sets numbered after the disks' ones. */
function chardevFds(more: PassedFds, disks: readonly ResolvedDisk[]): HostFds {
  let nextSet = disks.filter((d) => d.fdset).length;
  return {
    listen: (path) => more.listen(path),
    file: (path, append) => ({ fd: more.openFile(path, append), set: nextSet++ }),
  };
}

/**
 * Starts a domain: claims its shared disks and writes its status before QEMU is launched (so
 * a crash of this process leaves a trace the next one cleans up), launches QEMU paused,
 * connects to its monitor and lets the guest run unless asked to stay paused. Any failure
 * undoes every step: no process, run directory, status file or table row is left.
 */
export async function startDomain(drv: DriverContext, def: DomainDef, opts: StartOptions): Promise<ActiveStatus> {
  const paths = drv.paths;
  await checkEmulator(def);
  const accel = await accelFor(drv, def);
  await selectFirmware(def, firmwareContext(paths));
  const { disks, passFds, sets } = assignFdSets(drv.fdGroups, def.uuid, await resolveDisksForStart(drv, def.devices, def.os.boot));
  recordAliases(def, disks);
  const scsi = await planDomainScsiHostdevs(def.devices, nodesTaken(disks));
  const uses = [...await sharedUsesOf(disks), ...scsi.shared];
  const settings = [...await sgioSettingsOf(disks), ...scsi.settings];

  let restoreSgio: () => Promise<void> = async () => undefined;
  const status = await qemuStore(paths).withDriverLock(async () => {
    // Other domains' claims matter only to a domain that claims something: otherwise no status is read.
    const active = uses.length > 0 || scsi.uses.length > 0 ? await qemuStore(paths).loadActiveStatuses() : [];
    checkScsiHostdevsFree(active, def.name, scsi.uses);
    restoreSgio = await claimSharedDisks(buildSharedDiskTable(active), def.name, uses, settings);
    const id = await qemuStore(paths).allocateId();
    const dir = runDir(paths, id, def.name);
    const s: ActiveStatus = {
      phase: 'starting', name: def.name, uuid: def.uuid, id,
      state: DomainState.PAUSED, reason: DomainPausedReason.STARTING_UP,
      pid: undefined, pidStart: undefined, runDir: dir, monitor: join(dir, 'monitor.sock'),
      xml: formatDomainXML(def, { id }), startPaused: opts.paused, persistent: opts.persistent,
      sharedDisks: uses, ...(scsi.uses.length ? { scsiHostdevs: scsi.uses } : {}), pendingUnplug: [], pendingPlug: undefined,
      nextNode: nodesTaken(disks) + Object.keys(scsi.nodes).length + 1,
      diskNodes: { ...Object.fromEntries(disks.map((d) => [d.alias, d.node])), ...scsi.nodes }, fakeReboot: false,
      ...(sets ? { nextFdSet: sets } : {}),
    };
    await writeStatus(paths, s).catch(async (e: unknown) => {
      await restoreSgio();
      throw e;
    });
    return s;
  });

  let made: readonly string[] = [];
  let sockets: readonly string[] = [];
  // The taps' descriptors stay open here until QEMU has inherited its copies (or the start failed).
  let opened: OpenedPlug[] = [];
  let more: PassedFds | undefined;
  // The vsock device's descriptor, as the taps', stays open here until QEMU has its copy.
  let vsock: OpenedVsock | undefined;
  const closeVsock = (): void => {
    if (vsock) closeSync(vsock.fd);
    vsock = undefined;
  };
  try {
    // Made at once: each thread-pool trip (a mkdir, a file's open, write and close) is a wait of its
    // own on a loaded machine, and a start made about twenty before QEMU was spawned.
    mkdirSync(status.runDir, { recursive: true, mode: 0o700 });
    const masterKeyFile = join(status.runDir, 'master-key.aes');
    writeFileSync(masterKeyFile, kernelRandomBytes(32), { mode: 0o600 });
    const pidFile = pidFileIn(status.runDir);
    // QEMU writes its pid too, for a start whose launcher dies before recording it.
    const vsockDev = devicesOf(def.devices, 'vsock')[0];
    vsock = vsockDev ? await openVhostVsock(vsockDev) : undefined;
    if (vsock) recordVsockCid(def, vsock.cid);
    opened = await plugInterfaces((fn) => drv.withConnection(fn), def);
    status.netPlugs = opened.map((o) => o.plug);
    // The taps are recorded before QEMU runs; without any the status has nothing new.
    if (status.netPlugs.length > 0) await writeStatus(paths, status);
    const vncPort = await freeVncPort(def);
    recordVnc(def, vncPort);
    // File-backed memory without huge pages lives in the run directory, gone with the run.
    const hugepages = await hugepageContext(status.id, def.name, status.runDir);
    const nvram = await prepareNvram(def);
    made = nvram ? [nvram] : [];
    const tpm = await startTpmEmulators(paths, def, status.runDir, (fn) => drv.withConnection(fn));
    made = [...made, ...tpm.created];
    await startVirtiofsds(def, status.runDir);
    const incoming = opts.restoreFrom || opts.incomingURI ? ['-incoming', 'defer'] : opts.fromSnapshot?.loadvm !== undefined ? ['-loadvm', opts.fromSnapshot.loadvm] : [];
    // The monitors' and chardevs' sockets are made here and passed, as libvirt passes them.
    const passed = new PassedFds(FIRST_PASSED_FD + passFds.length);
    more = passed;
    const taps = opened.map(({ plug, tapfds, vhostfds }) => ({ ...plug, fds: tapfds.map((fd) => passed.open(fd)), vhostfds: vhostfds.map((fd) => passed.open(fd)) }));
    const hostFds = chardevFds(passed, disks);
    const args = [...buildCommandLine(def, { accel, monitorPath: status.monitor, masterKeyFile, disks, vncPort, hugepages, taps, tpmEmulatorSocket: tpm.socket, scsiSgPaths: scsi.sgPaths, hostFds, vsock: vsock && { fd: passed.open(vsock.fd), cid: vsock.cid }, renderNode: hostRenderNode }), ...incoming, '-pidfile', pidFile, ...runStateArgs(status.runDir), ...eventMonitorArgs(status.runDir, hostFds)];
    if (args.some((a) => a.includes('"mem-path"'))) await makeHugepageDirs(hugepages.dirs);
    // A restore's stream is read by QEMU itself, from a descriptor it inherits after the others.
    const stream = opts.restoreFrom ? await openStream(opts.restoreFrom.path, opts.restoreFrom.offset) : undefined;
    const streamFd = stream ? passed.open(stream.fd) : -1;
    sockets = passed.socketPaths;
    const proc = await withFreshCopies(passFds, (fds) => launchQemu({
      binary: emulatorOf(def), args, logFile: logFile(paths, def.name), monitorPath: status.monitor, passFds: fds, more: passed,
      onSpawn: async (pid, pidStart) => {
        status.pid = pid;
        status.pidStart = pidStart;
        await writeStatus(paths, status);
      },
    })).finally(() => {
      stream?.close();
      closeVsock();
      closePlugFds(opened);
      opened = [];
    });
    try {
      await plugStartupVcpus(proc.monitor, def);
      if (opts.incomingURI) await proc.monitor.execute('migrate-incoming', { uri: opts.incomingURI });
      if (opts.restoreFrom) await migrateFromFd(proc.monitor, streamFd, proc.said);
      await recordPtys(proc.monitor, def);
      await recordChannels(proc.monitor, def, status.runDir);
      await recordMemoryDevices(proc.monitor, def);
      await drv.watcher.holdStarting(status);
      await emulatorPinSetup(status.pid!, def);
      await pinVcpuThreads(proc.monitor, status.pid!, def);
      // Written together: QEMU applies the actions before it runs the guest.
      await Promise.all([lifecycleSetup(proc.monitor, def), ...balloonSetup(proc.monitor, def), ...throttleSetup(proc.monitor, def), ...(opts.paused ? [] : [proc.monitor.execute('cont')])]);
    } finally {
      proc.monitor.close();
    }
    Object.assign(status, {
      phase: 'active',
      xml: formatDomainXML(def, { id: status.id }),
      state: opts.paused ? DomainState.PAUSED : DomainState.RUNNING,
      // A guest restored paused stays where the incoming migration left it, as libvirt reports it.
      reason: opts.fromSnapshot?.loadvm !== undefined ? (opts.paused ? DomainPausedReason.FROM_SNAPSHOT : DomainRunningReason.FROM_SNAPSHOT)
        : opts.paused ? (opts.restoreFrom || opts.incomingURI ? DomainPausedReason.MIGRATION : DomainPausedReason.USER)
        : opts.restoreFrom ? DomainRunningReason.RESTORED : DomainRunningReason.BOOTED,
    });
    await writeStatus(paths, status);
  } catch (e) {
    closeVsock();
    closePlugFds(opened);
    more?.dispose();
    await tearDown(drv, status, undefined).catch(() => undefined);
    // What this start made outside the run directory: a new NVRAM store, new TPM state, chardevs' sockets.
    await Promise.all([...made, ...sockets].map((d) => rm(d, { recursive: true, force: true })));
    await qemuStore(paths).withDriverLock(restoreSgio).catch(() => undefined);
    throw e;
  }
  const ref = { name: def.name, uuid: def.uuid, id: status.id };
  const S = DomainEventDetail;
  // libvirt reports the agent channel's state while it starts the domain, before STARTED
  const agent = agentLifecycle(ref, def, DomainEventAgentLifecycleReason.DOMAIN_STARTED);
  if (agent) drv.events.raiseOther(agent);
  // QEMU ran with -S and was continued: libvirt tells that RESUMED before a boot's STARTED, after a restore's.
  const resumed = !opts.paused && !opts.fromSnapshot;
  if (resumed && !opts.restoreFrom) drv.events.raise(ref, DomainEventType.RESUMED, S.RESUMED.UNPAUSED);
  drv.events.raise(ref, DomainEventType.STARTED, opts.incomingURI ? S.STARTED.MIGRATED : opts.fromSnapshot ? S.STARTED.FROM_SNAPSHOT : opts.restoreFrom ? S.STARTED.RESTORED : S.STARTED.BOOTED);
  if (resumed && opts.restoreFrom) drv.events.raise(ref, DomainEventType.RESUMED, S.RESUMED.FROM_SNAPSHOT);
  if (opts.paused && !opts.incomingURI) {
    drv.events.raise(ref, DomainEventType.SUSPENDED, opts.fromSnapshot ? S.SUSPENDED.FROM_SNAPSHOT : opts.restoreFrom ? S.SUSPENDED.RESTORED : S.SUSPENDED.PAUSED);
  }
  return status;
}
