import { dirname } from 'node:path';
import { domainPart, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { audioArgs, balloonArgs, channelArgs, consoleArgs, controllerArgs, deviceArg, displayArgs, interfaceArgs, parallelArgs, serialArgs, videoArgs } from './device-args.js';
import { listenAt, type HostFds } from './chardev-host.js';
import { copyOnReadProps, diskDeviceProps, fdcBootArgs, formatProps, hasMedium, storageProps, type ResolvedDisk } from './disk-props.js';
import { memoryArgs, type HugepageContext } from './memory-args.js';
import { memoryDeviceArgs } from './memory-device-args.js';
import { devicesOf } from '../devices/typed-devices.js';
import { cpuFeatureProps } from './cpu-features.js';
import { firmwareArgs } from './firmware-args.js';
import { graphicsArgs } from './graphics-args.js';
import { hostdevArgs } from './hostdev-args.js';
import { iothreadArgs } from './iothread-args.js';
import { panicArgs } from './panic-args.js';
import { smartcardArgs } from './smartcard-args.js';
import { soundArgs } from './sound-args.js';
import { tpmArgs } from './tpm-args.js';
import { vhostUserDiskArgs } from './vhost-user-disk.js';
import { watchdogArgs } from './watchdog-args.js';
import { redirdevArgs } from './redirdev-args.js';
import { shmemArgs } from './shmem-args.js';
import { vsockArgs, type VsockFd } from './vsock-args.js';
import { addFdArgs } from '../fdgroup/fd-sets.js';
import type { TapArg } from './netdev-args.js';
import { accelArg, hpetOff, iommuArgs, machineProps, pitArgs, pmArgs, rtcArgs, tsegArgs } from './machine-args.js';
import { hasPcieRoot } from './pci-address.js';
import { usbDiskPlacement, usbPlacement } from './usb-address.js';
import { filesystemArgs, inputArgs, rngArgs } from './virtio-args.js';
import { bootVcpus } from '../vcpu/vcpu-startup.js';
import { aliasOf, withDeviceAliases } from '../devices/device-aliases.js';
import { withUsbAddresses } from '../devices/usb-addresses.js';

/** Everything besides the definition that the command line names. */
export interface CommandContext {
  /** `tcg`, or `kvm` when /dev/kvm is usable and the domain asks for it. */
  readonly accel: 'kvm' | 'tcg';
  readonly monitorPath: string;
  readonly masterKeyFile: string;
  /** The TCP port of an autoport VNC display, chosen by the driver before the launch. */
  readonly vncPort?: number;
  /** The disks in definition order, resolved. */
  readonly disks: readonly ResolvedDisk[];
  /** hugetlbfs mounts, for domains backed by huge pages. */
  readonly hugepages: HugepageContext;
  /** The taps of the `network`, `bridge` and `ethernet` interfaces, opened before the launch. */
  readonly taps?: readonly TapArg[];
  /** The socket of the swtpm serving an emulated TPM, when the driver started one. */
  readonly tpmEmulatorSocket?: string;
  /** The sg node of each host adapter's SCSI hostdev, by its place among the domain's hostdevs. */
  readonly scsiSgPaths?: ReadonlyMap<number, string>;
  /**
   * A real start: the monitor's socket, those of the chardevs QEMU serves and the files chardevs
   * write are opened by the driver and passed, as libvirt passes them; without it QEMU opens the paths.
   */
  readonly hostFds?: HostFds;
  /** qemu.conf's spice_password is set: SPICE displays without a password of their own are not left open (libvirt's test harness). */
  readonly spiceDefaultPassword?: boolean;
  /** The `/dev/vhost-vsock` descriptor of a real start's vsock device, its guest context id set. */
  readonly vsock?: VsockFd;
  /** The host's DRM render node, asked for only by a display with OpenGL that names none (a real start: hostRenderNode). */
  readonly renderNode?: () => string;
}

/** Device kinds that become QEMU devices in libvirt but that this command line does not build yet. */
const UNBUILT = ['crypto'] as const;

/** The QEMU binary of a definition (`<emulator>`), or the one for the guest architecture. */
export function emulatorOf(def: DomainDef): string {
  return devicesOf(def.devices, 'emulator')[0]?.path?.trim() ?? '/usr/bin/qemu-system-x86_64';
}

function cpuArgs(def: DomainDef, accel: 'kvm' | 'tcg'): string[] {
  const cpu = domainPart(def, 'cpu');
  const mode = cpu?.mode;
  if (mode === 'host-passthrough' || mode === 'host-model') {
    if (accel !== 'kvm') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `CPU mode '${mode}' for x86_64 qemu domain on x86_64 host is not supported by hypervisor`, ErrorDomain.QEMU);
    return ['-cpu', 'host'];
  }
  const model = cpu?.model?.name?.trim() ?? (accel === 'tcg' ? 'qemu64' : undefined);
  const features = cpuFeatureProps(def);
  if (model === undefined) return features.length ? ['-cpu', ['host', ...features].join(',')] : [];
  return ['-cpu', [model, ...features].join(',')];
}

function smpArg(def: DomainDef): string {
  const topo = domainPart(def, 'cpu')?.topology;
  const max = def.vcpu.count;
  const current = bootVcpus(def);
  const sockets = topo?.sockets ?? (topo ? 1 : max);
  const dies = topo?.dies ?? 1;
  const cores = topo?.cores ?? 1;
  const threads = topo?.threads ?? 1;
  if (topo && sockets * dies * cores * threads !== max) {
    throw new VirError(ErrorCode.XML_ERROR, `Maximum CPUs greater than topology limit`, ErrorDomain.QEMU);
  }
  // A declared topology names its dies too (one unless given).
  return `${current}${current !== max ? `,maxcpus=${max}` : ''},sockets=${sockets}${topo ? `,dies=${dies}` : ''},cores=${cores},threads=${threads}`;
}



/** `-boot`: the boot menu when `<bootmenu>` asks for it, and never a device outside the boot order. */
/** `-device vmgenid` with the definition's generation id. */
function genidArgs(def: DomainDef): string[] {
  const guid = domainPart(def, 'genid')?.value?.trim();
  if (guid === undefined) return [];
  if (guid === '') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'a generated VM generation id is not supported by this driver yet', ErrorDomain.QEMU);
  return ['-device', JSON.stringify({ driver: 'vmgenid', guid, id: 'vmgenid0' })];
}

function bootArg(def: DomainDef): string {
  const menu = domainPart(def, 'os')?.bootmenu;
  if (!menu) return 'strict=on';
  const { timeout } = menu;
  const on = menu.enable === true;
  return `menu=${on ? 'on' : 'off'}${on && timeout !== undefined ? `,splash-time=${timeout}` : ''},strict=on`;
}

/** `-device usb-hub` for each hub, on its USB port. */
function hubArgs(devices: readonly XmlElement[]): string[] {
  return devicesOf(devices, 'hub').flatMap((h) => ['-device', JSON.stringify({ driver: 'usb-hub', id: aliasOf(h), ...usbPlacement(devices, h) })]);
}

function diskArgs(disks: readonly ResolvedDisk[], devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return disks.flatMap((d) => {
    const { type } = d.view;
    if (type === 'vhostuser') return vhostUserDiskArgs(d, pcieRoot);
    if (type === 'nvme') {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `disk type '${type}' of '${d.view.target}' is not supported by this driver yet`, ErrorDomain.QEMU);
    }
    if ((d.view.disk.encryptionFormat ?? d.view.disk.source?.encryptionFormat) !== undefined) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `encryption of disk '${d.view.target}' is not supported by this driver yet`, ErrorDomain.QEMU);
    }
    const reservations = d.view.disk.source?.reservations;
    if (reservations !== undefined && reservations.enabled !== false) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `persistent reservations of disk '${d.view.target}' are not supported by this driver yet`, ErrorDomain.QEMU);
    }
    return [
      ...addFdArgs(d),
      ...(hasMedium(d) ? [storageProps(d), formatProps(d), copyOnReadProps(d)].flatMap((p) => (p ? ['-blockdev', JSON.stringify(p)] : [])) : []),
      ...deviceArg(diskDeviceProps(d, pcieRoot, d.view.bus === 'usb' ? usbDiskPlacement(devices, d.view.target) : {})),
    ];
  });
}

/**
 * Builds QEMU's arguments from a live definition, in the order and spelling libvirt 9 uses:
 * the guest starts paused (-S) with a QMP monitor on a unix socket and stays alive when the
 * guest powers off (-no-shutdown), so the driver decides what happens next.
 */
export function buildCommandLine(given: DomainDef, ctx: CommandContext): string[] {
  // Every device's QEMU id is its alias, as libvirt's are.
  const def = withDeviceAliases(withUsbAddresses(given));
  // Devices the command line cannot give QEMU yet are refused, never left out.
  const missing = UNBUILT.find((kind) => devicesOf(def.devices, kind).length > 0);
  if (missing) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `<${missing}> devices are not supported by this driver yet`, ErrorDomain.QEMU);
  // A confidential guest started without its launch security would run in the clear.
  if (def.other.some((e) => e.name === 'launchSecurity')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'launch security is not supported by this driver yet', ErrorDomain.QEMU);
  }
  const machine = def.os.machine ?? 'pc';
  const memory = memoryArgs(def, ctx.hugepages);
  const mprops = machineProps(def);
  const firmware = firmwareArgs(def);
  return [
    '-name', `guest=${def.name.replaceAll(',', ',,')},debug-threads=on`,
    '-S',
    '-object', JSON.stringify({ 'qom-type': 'secret', id: 'masterKey0', format: 'raw', file: ctx.masterKeyFile }),
    ...firmware.blockdevs,
    '-machine', [
      machine, 'usb=off', ...mprops.before, 'dump-guest-core=off', ...mprops.after,
      ...(memory.machineBackend ? ['memory-backend=pc.ram'] : []), ...firmware.machine, ...(hpetOff(def) ? ['hpet=off'] : []),
    ].join(','),
    '-accel', accelArg(def, ctx.accel),
    ...tsegArgs(def),
    ...cpuArgs(def, ctx.accel),
    ...firmware.bios,
    ...memory.memory,
    '-overcommit', `mem-lock=${domainPart(def, 'memoryBacking')?.locked ? 'on' : 'off'}`,
    '-smp', smpArg(def),
    ...iothreadArgs(def),
    ...memory.numa,
    '-uuid', def.uuid,
    ...genidArgs(def),
    ...displayArgs(def.devices),
    '-no-user-config',
    '-nodefaults',
    '-chardev', `socket,id=charmonitor,${listenAt(ctx.monitorPath, ctx.hostFds)},server=on,wait=off`,
    '-mon', 'chardev=charmonitor,id=monitor,mode=control',
    ...rtcArgs(def),
    ...pitArgs(def),
    '-no-shutdown',
    ...(domainPart(def, 'features')?.acpi ? [] : ['-no-acpi']),
    ...pmArgs(def),
    '-boot', bootArg(def),
    ...iommuArgs(def),
    ...controllerArgs(def.devices),
    ...memoryDeviceArgs(def, ctx.hugepages),
    ...hubArgs(def.devices),
    ...fdcBootArgs(ctx.disks, hasPcieRoot(def.devices)),
    ...diskArgs(ctx.disks, def.devices),
    ...filesystemArgs(def.devices, dirname(ctx.monitorPath)),
    ...interfaceArgs(def.devices, ctx.taps ?? []),
    ...smartcardArgs(def.devices, ctx.hostFds),
    ...serialArgs(def.devices, ctx.hostFds),
    ...parallelArgs(def.devices, ctx.hostFds),
    ...channelArgs(def.devices, dirname(ctx.monitorPath), ctx.hostFds),
    ...consoleArgs(def.devices, ctx.hostFds),
    ...tpmArgs(def.devices, ctx.tpmEmulatorSocket),
    ...inputArgs(def.devices),
    ...audioArgs(def.devices),
    ...graphicsArgs(def.devices, ctx.vncPort, dirname(ctx.monitorPath), ctx.spiceDefaultPassword, ctx.renderNode),
    ...videoArgs(def.devices),
    ...soundArgs(def.devices),
    ...watchdogArgs(def.devices),
    ...redirdevArgs(def.devices, ctx.hostFds),
    ...hostdevArgs(def.devices, ctx.disks.length + 1, ctx.scsiSgPaths ?? new Map()),
    ...balloonArgs(def.devices),
    ...rngArgs(def.devices, ctx.hostFds),
    '-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
    ...panicArgs(def.devices),
    ...shmemArgs(def.devices),
    ...vsockArgs(def.devices, ctx.vsock),
    '-msg', 'timestamp=on',
  ];
}
