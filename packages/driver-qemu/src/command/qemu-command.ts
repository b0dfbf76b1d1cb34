import { attr, firstChild, textOf, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { dirname } from 'node:path';
import { audioArgs, balloonArgs, channelArgs, consoleArgs, controllerArgs, deviceArg, displayArgs, interfaceArgs, parallelArgs, serialArgs, videoArgs } from './device-args.js';
import { diskDeviceProps, formatProps, storageProps, type ResolvedDisk } from './disk-props.js';
import { memoryArgs, type HugepageContext } from './memory-args.js';
import { cpuFeatureProps } from './cpu-features.js';
import { graphicsArgs } from './graphics-args.js';
import { hpetOff, pitArgs, pmArgs, rtcArgs } from './machine-args.js';
import { hasPcieRoot } from './pci-address.js';
import { filesystemArgs, inputArgs, rngArgs } from './virtio-args.js';

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
  /** The taps of the `network` and `bridge` interfaces, plugged before the launch. */
  readonly taps?: readonly { readonly index: number; readonly tap: string }[];
}

/** The QEMU binary of a definition (`<emulator>`), or the one for the guest architecture. */
export function emulatorOf(def: DomainDef): string {
  const el = def.devices.find((d) => d.name === 'emulator');
  return el ? textOf(el).trim() : '/usr/bin/qemu-system-x86_64';
}

function cpuArgs(def: DomainDef, accel: 'kvm' | 'tcg'): string[] {
  const cpu = def.other.find((e) => e.name === 'cpu');
  const mode = cpu && attr(cpu, 'mode');
  const modelEl = cpu && firstChild(cpu, 'model');
  if (mode === 'host-passthrough' || mode === 'host-model') {
    if (accel !== 'kvm') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `CPU mode '${mode}' for x86_64 qemu domain on x86_64 host is not supported by hypervisor`, ErrorDomain.QEMU);
    return ['-cpu', 'host'];
  }
  const model = modelEl ? textOf(modelEl).trim() : accel === 'tcg' ? 'qemu64' : undefined;
  const features = cpuFeatureProps(def);
  if (model === undefined) return features.length ? ['-cpu', ['host', ...features].join(',')] : [];
  return ['-cpu', [model, ...features].join(',')];
}

function smpArg(def: DomainDef): string {
  const cpu = def.other.find((e) => e.name === 'cpu');
  const topo = cpu && firstChild(cpu, 'topology');
  const max = def.vcpu.count;
  const current = def.vcpu.current ?? max;
  const n = (k: string, d: number): number => Number((topo && attr(topo, k)) ?? d);
  const sockets = n('sockets', topo ? 1 : max);
  const dies = n('dies', 1);
  const cores = n('cores', 1);
  const threads = n('threads', 1);
  if (topo && sockets * dies * cores * threads !== max) {
    throw new VirError(ErrorCode.XML_ERROR, `Maximum CPUs greater than topology limit`, ErrorDomain.QEMU);
  }
  return `${current}${current !== max ? `,maxcpus=${max}` : ''},sockets=${sockets}${dies > 1 ? `,dies=${dies}` : ''},cores=${cores},threads=${threads}`;
}

function hasFeature(def: DomainDef, name: string): boolean {
  const features = def.other.find((e) => e.name === 'features');
  return features !== undefined && firstChild(features, name) !== undefined;
}

/** `-boot`: the boot menu when `<bootmenu>` asks for it, and never a device outside the boot order. */
function bootArg(def: DomainDef): string {
  const menu = def.os.other.find((e) => e.name === 'bootmenu');
  if (!menu) return 'strict=on';
  const timeout = attr(menu, 'timeout');
  const on = attr(menu, 'enable') === 'yes';
  return `menu=${on ? 'on' : 'off'}${on && timeout !== undefined ? `,splash-time=${timeout}` : ''},strict=on`;
}

function diskArgs(disks: readonly ResolvedDisk[], pcieRoot: boolean): string[] {
  return disks.flatMap((d) => {
    const { type } = d.view;
    if (type === 'network' || type === 'nvme' || type === 'vhostuser') {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `disk type '${type}' of '${d.view.target}' is not supported by this driver yet`, ErrorDomain.QEMU);
    }
    return [
      ...(d.path !== undefined ? ['-blockdev', JSON.stringify(storageProps(d)), '-blockdev', JSON.stringify(formatProps(d))] : []),
      ...deviceArg(diskDeviceProps(d, pcieRoot)),
    ];
  });
}

/**
 * Builds QEMU's arguments from a live definition, in the order and spelling libvirt 9 uses:
 * the guest starts paused (-S) with a QMP monitor on a unix socket and stays alive when the
 * guest powers off (-no-shutdown), so the driver decides what happens next.
 */
export function buildCommandLine(def: DomainDef, ctx: CommandContext): string[] {
  const machine = def.os.machine ?? 'pc';
  const memory = memoryArgs(def, ctx.hugepages);
  return [
    '-name', `guest=${def.name.replaceAll(',', ',,')},debug-threads=on`,
    '-S',
    '-object', JSON.stringify({ 'qom-type': 'secret', id: 'masterKey0', format: 'raw', file: ctx.masterKeyFile }),
    '-machine', `${machine},usb=off,dump-guest-core=off${memory.machineBackend ? ',memory-backend=pc.ram' : ''}${hpetOff(def) ? ',hpet=off' : ''}`,
    '-accel', ctx.accel,
    ...cpuArgs(def, ctx.accel),
    ...memory.memory,
    '-overcommit', 'mem-lock=off',
    '-smp', smpArg(def),
    ...memory.numa,
    '-uuid', def.uuid,
    ...displayArgs(def.devices),
    '-no-user-config',
    '-nodefaults',
    '-chardev', `socket,id=charmonitor,path=${ctx.monitorPath.replaceAll(',', ',,')},server=on,wait=off`,
    '-mon', 'chardev=charmonitor,id=monitor,mode=control',
    ...rtcArgs(def),
    ...pitArgs(def),
    '-no-shutdown',
    ...(hasFeature(def, 'acpi') ? [] : ['-no-acpi']),
    ...pmArgs(def),
    '-boot', bootArg(def),
    ...controllerArgs(def.devices),
    ...diskArgs(ctx.disks, hasPcieRoot(def.devices)),
    ...filesystemArgs(def.devices),
    ...interfaceArgs(def.devices, ctx.taps ?? []),
    ...serialArgs(def.devices),
    ...parallelArgs(def.devices),
    ...channelArgs(def.devices, dirname(ctx.monitorPath)),
    ...consoleArgs(def.devices),
    ...inputArgs(def.devices),
    ...audioArgs(def.devices),
    ...graphicsArgs(def.devices, ctx.vncPort, dirname(ctx.monitorPath)),
    ...videoArgs(def.devices),
    ...balloonArgs(def.devices),
    ...rngArgs(def.devices),
    '-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
    '-msg', 'timestamp=on',
  ];
}
