import type { XmlElement } from '@tsvirt/conf';
import { netdevArgs, type TapArg } from './netdev-args.js';
import { chardevArgs, type Chardev, type HostFds } from './chardev-host.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';
import type { JsonProps } from './disk-props.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { usbPlacement } from './usb-address.js';
import { virtioOptions } from './virtio-args.js';
import { aliasOf, controllerAlias, nicAliases, nicIds } from '../devices/device-aliases.js';

const D = ErrorDomain.QEMU;

/** `iothread` of a device served by one of the guest's I/O threads. */
export const iothreadProp = (id: number | undefined): JsonProps => (id === undefined ? {} : { iothread: `iothread${id}` });

/** Drops the properties left undefined, keeping the order of the rest. */
export const defined = (props: Record<string, unknown>): JsonProps =>
  Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));

/** `-device` with libvirt 9's JSON form. */
export const deviceArg = (props: JsonProps): string[] => ['-device', JSON.stringify(props)];

function unsupported(what: string): VirError {
  return new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, D);
}

const USB_MODELS: Record<string, string> = {
  'piix3-uhci': 'piix3-usb-uhci', 'qemu-xhci': 'qemu-xhci', 'nec-xhci': 'nec-usb-xhci', ehci: 'usb-ehci',
  'ich9-ehci1': 'ich9-usb-ehci1', 'ich9-uhci1': 'ich9-usb-uhci1', 'ich9-uhci2': 'ich9-usb-uhci2', 'ich9-uhci3': 'ich9-usb-uhci3',
};


/** `-device` arguments of the controllers QEMU does not create by itself. */
export function controllerArgs(devices: readonly XmlElement[]): string[] {
  const out: string[] = [];
  // libvirt emits controllers grouped by type in this order.
  const order = ['pci', 'usb', 'scsi', 'ide', 'sata', 'fdc', 'virtio-serial', 'ccid'];
  const rank = (c: DeviceOf<'controller'>): number => order.indexOf(c.type ?? '');
  const controllers = devicesOf(devices, 'controller').map((c, i) => ({ c, i }));
  controllers.sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i);
  const pcieRoot = hasPcieRoot(devices);
  const at = (c: DeviceOf<'controller'>): Record<string, unknown> => pciProps(pciAddressOf(c), pcieRoot);
  for (const { c } of controllers) {
    const index = c.index ?? 0;
    const { model } = c;
    if (c.type === 'pci') {
      if (index > 0) out.push(...deviceArg(pciControllerProps(c, at(c))));
    } else if (c.type === 'usb') {
      if (model === 'none') continue;
      const driver = USB_MODELS[model ?? 'piix3-uhci'];
      if (!driver) throw unsupported(`USB controller model '${model}'`);
      const addr = pciAddressOf(c) ? at(c) : { bus: 'pci.0', addr: '0x1.0x2' };
      // XHCI controllers take their port count as USB2 and USB3 ports.
      const ports = c.ports !== undefined && (driver === 'qemu-xhci' || driver === 'nec-usb-xhci') ? { p2: c.ports, p3: c.ports } : {};
      // A USB1 companion of an EHCI controller has no id of its own: it serves its master's bus from its first port.
      const own = c.master === undefined ? { id: aliasOf(c) } : { masterbus: `${controllerAlias(devices, 'usb', index)}.0`, firstport: c.master };
      out.push(...deviceArg({ driver, ...ports, ...own, ...addr }));
    } else if (c.type === 'scsi') {
      const driver = SCSI_MODELS[model ?? 'lsilogic'];
      if (!driver) throw unsupported(`SCSI controller model '${model}'`);
      const d = c.driver;
      const tuning = { num_queues: d?.queues, cmd_per_lun: d?.cmdPerLun, max_sectors: d?.maxSectors, ioeventfd: d?.ioeventfd };
      out.push(...deviceArg({ driver, ...iothreadProp(d?.iothread), ...virtioOptions(d), id: aliasOf(c), ...defined(tuning), ...at(c) }));
    } else if (c.type === 'sata' && !(pcieRoot && index === 0)) {
      // q35's first SATA controller is the ICH9's own.
      out.push(...deviceArg({ driver: 'ahci', id: `sata${index}`, ...at(c) }));
    } else if (c.type === 'ccid') {
      out.push(...deviceArg({ driver: 'usb-ccid', id: aliasOf(c), ...usbPlacement(devices, c) }));
    } else if (c.type === 'virtio-serial') {
      out.push(...deviceArg({ driver: 'virtio-serial-pci', ...virtioOptions(c.driver), id: aliasOf(c), ...at(c) }));
    }
    // ide, pci-root and the rest are built into the machine.
  }
  return out;
}

const SCSI_MODELS: Record<string, string> = { 'virtio-scsi': 'virtio-scsi-pci', lsilogic: 'lsi' };

/** A PCI controller's `-device`: its QEMU model with libvirt's chassis/port numbering and hotplug switch. */
function pciControllerProps(c: DeviceOf<'controller'>, at: Record<string, unknown>): JsonProps {
  const t = c.target ?? {};
  const driver = c.pciModel ?? c.model;
  const hotplug = t.hotplug === undefined ? {} : { hotplug: t.hotplug === 'on' };
  return {
    driver,
    ...(t.port !== undefined ? { port: t.port } : {}),
    ...(t.chassis !== undefined ? { chassis: t.chassis } : {}),
    ...(t.chassisNr !== undefined ? { chassis_nr: t.chassisNr } : {}),
    id: `pci.${c.index ?? 0}`,
    ...hotplug,
    ...at,
  };
}

const NIC_MODELS = new Set(['virtio', 'e1000', 'e1000e', 'rtl8139']);

/** The `-netdev` of one interface: user networking, or the tap plugged into its bridge (opened by name). */
/** What virtio-net takes of `<driver>`: the TX mechanism and event handling. */
function virtioNetProps(nic: DeviceOf<'interface'>): JsonProps {
  const drv = nic.driver;
  const tx = drv?.txmode === 'iothread' ? { tx: 'bh' } : drv?.txmode === 'timer' ? { tx: 'timer' } : {};
  const flag = (v: boolean | undefined, name: string): JsonProps => (v === undefined ? {} : { [name]: v });
  // Several queues: QEMU's multiqueue, with 2N+2 MSI-X vectors as libvirt gives them.
  const queues = drv?.queues ?? 1;
  const mq = queues > 1 ? { mq: true, vectors: 2 * queues + 2 } : {};
  return { ...tx, ...flag(drv?.ioeventfd, 'ioeventfd'), ...flag(drv?.eventIdx, 'event_idx'), ...mq, ...flag(drv?.rss, 'rss'), ...flag(drv?.rssHashReport, 'hash') };
}

/** `-netdev` and `-device` arguments of the network interfaces (see netdevArgs). */
export function interfaceArgs(devices: readonly XmlElement[], taps: readonly TapArg[]): string[] {
  const out: string[] = [];
  const pcieRoot = hasPcieRoot(devices);
  const nics = devicesOf(devices, 'interface');
  const aliases = nicAliases(nics);
  nics.forEach((nic, i) => {
    const model = nic.model ?? 'rtl8139';
    const ids = nicIds(aliases[i]!);
    out.push(...netdevArgs(nic, ids, taps.find((t) => t.index === i)));
    if (!NIC_MODELS.has(model)) throw unsupported(`interface model '${model}'`);
    out.push(...deviceArg({
      driver: model === 'virtio' ? 'virtio-net-pci' : model,
      ...virtioOptions(nic.driver),
      ...(model === 'virtio' ? virtioNetProps(nic) : {}),
      netdev: ids.netdev,
      id: ids.device,
      ...(nic.mac ? { mac: nic.mac } : {}),
      ...(nic.bootOrder !== undefined ? { bootindex: nic.bootOrder } : {}),
      ...pciProps(pciAddressOf(nic), pcieRoot),
    }));
  });
  return out;
}

/**
 * The serial ports: each `<serial>`, or a `<console>` standing for serial port 0 when the domain
 * declares no serial (libvirt makes them one device).
 */
export function serialPorts(devices: readonly XmlElement[]): Array<DeviceOf<'serial'> | DeviceOf<'console'>> {
  const serials = devicesOf(devices, 'serial');
  if (serials.length > 0) return serials;
  return devicesOf(devices, 'console').filter((c) => (c.target?.type ?? 'serial') === 'serial').slice(0, 1);
}

/** An ISA address's port and interrupt. */
function isaProps(c: Chardev): Record<string, number> {
  const a = c.address;
  if (a?.type !== 'isa') return {};
  return { ...(a.iobase !== undefined ? { iobase: a.iobase } : {}), ...(a.irq !== undefined ? { irq: a.irq } : {}) };
}

/** `-chardev` and `-device` arguments of the serial ports (ISA UARTs, or the ISA debug console). */
export function serialArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  return serialPorts(devices).flatMap((s, i) => {
    const id = aliasOf(s);
    const chardev = `char${id}`;
    const device = s.target?.type === 'isa-debug' ? { driver: 'isa-debugcon', chardev, id, ...isaProps(s) }
      // A PCI serial card sits at its PCI address, numbered by the guest, not by QEMU's index.
      : s.target?.type === 'pci-serial' ? { driver: 'pci-serial', chardev, id, ...pciProps(pciAddressOf(s), hasPcieRoot(devices)) }
      : s.kind === 'serial' && s.target?.type === 'usb-serial' ? { driver: 'usb-serial', chardev, id, ...usbPlacement(devices, s) }
      // An ISA port's index is its target port (a port libvirt numbered past those given).
      : { driver: 'isa-serial', chardev, id, index: s.target?.port ?? i, ...isaProps(s) };
    return [...chardevArgs(s, chardev, fds), ...deviceArg(device)];
  });
}

/** Where a virtio channel's UNIX socket is made when the definition names none: the run directory, by its target name. */
export const channelSocketPath = (runDir: string, name: string): string => `${runDir}/channel-${name}`;

/**
 * `-chardev` and `-device virtserialport` of the virtio channels (the guest agent's among them),
 * each on the port libvirt gave it at define time.
 */
export function channelArgs(devices: readonly XmlElement[], runDir: string, fds: HostFds | undefined): string[] {
  return devicesOf(devices, 'channel').flatMap((c) => {
    const target = c.target;
    if (target?.type !== 'virtio') throw unsupported(`channel target type '${target?.type}'`);
    const a = c.address?.type === 'virtio-serial' ? c.address : undefined;
    const id = aliasOf(c);
    const chardev = chardevArgs(c, `char${id}`, fds, 'serial', target.name === undefined ? undefined : channelSocketPath(runDir, target.name));
    const port = {
      driver: 'virtserialport', bus: `${controllerAlias(devices, 'virtio-serial', a?.controller ?? 0)}.${a?.bus ?? 0}`, ...(a?.port !== undefined ? { nr: Number(a.port) } : {}),
      chardev: `char${id}`, id, ...(target.name !== undefined ? { name: target.name } : {}),
    };
    return [...chardev, ...deviceArg(port)];
  });
}

/** `-chardev` and `-device virtconsole` of the virtio consoles (a serial console is its serial port). */
export function consoleArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  return devicesOf(devices, 'console').flatMap((c) => {
    if (c.target?.type !== 'virtio') return [];
    const id = aliasOf(c);
    return [...chardevArgs(c, `char${id}`, fds), ...deviceArg({ driver: 'virtconsole', chardev: `char${id}`, id })];
  });
}

/** `-chardev` and `-device isa-parallel` arguments of the parallel ports. */
export function parallelArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  return devicesOf(devices, 'parallel').flatMap((p) => {
    const id = aliasOf(p);
    return [...chardevArgs(p, `char${id}`, fds, 'parallel'), ...deviceArg({ driver: 'isa-parallel', chardev: `char${id}`, id, ...isaProps(p) })];
  });
}

/** `-display none` when the domain has no graphics (QEMU would otherwise open a window). */
export function displayArgs(devices: readonly XmlElement[]): string[] {
  return devicesOf(devices, 'graphics').length > 0 ? [] : ['-display', 'none'];
}

export { VNC_LISTEN, VNC_PORT_MIN } from './graphics-args.js';

/** QEMU's names for libvirt's audio types. */
const AUDIO_DRIVERS: Record<string, string> = { pulseaudio: 'pa', file: 'wav' };

type Audio = DeviceOf<'audio'>;
type AudioDirection = NonNullable<Audio['inputs']>[number];

/** libvirt's yes/no and on/off switches as QEMU's JSON booleans. */
const yes = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'yes' || v === 'on');

/** One direction's options: those every backend takes, then the backend's own, in libvirt's order. */
function audioDirection(d: AudioDirection): JsonProps {
  return defined({
    'mixing-engine': yes(d.mixingEngine), 'fixed-settings': yes(d.fixedSettings), voices: d.voices, 'buffer-length': d.bufferLength,
    frequency: d.settings?.frequency, channels: d.settings?.channels, format: d.settings?.format,
    dev: d.dev, 'buffer-count': d.bufferCount, 'try-poll': yes(d.tryPoll),
    name: d.name, 'stream-name': d.streamName, latency: d.latency,
    'server-name': d.serverName, 'client-name': d.clientName, 'connect-ports': d.connectPorts, 'exact-name': yes(d.exactName),
  });
}

/** `-audiodev` of each `<audio>` backend, its options and those of its input and output. */
export function audioArgs(devices: readonly XmlElement[]): string[] {
  return devicesOf(devices, 'audio').flatMap((a) => {
    const type = a.type ?? 'none';
    const input = a.inputs?.[0];
    const output = a.outputs?.[0];
    // SDL's own driver is chosen through its environment, not an option.
    const props = defined({
      id: `audio${a.id ?? 1}`, driver: AUDIO_DRIVERS[type] ?? type, 'timer-period': a.timerPeriod,
      'try-mmap': yes(a.tryMMap), exclusive: yes(a.exclusive), 'dsp-policy': a.dspPolicy, server: a.serverName, path: a.path,
      in: input && audioDirection(input), out: output && audioDirection(output),
    });
    return ['-audiodev', JSON.stringify(props)];
  });
}

const VIDEO_DEVICES: Record<string, [primary: string, secondary: string]> = {
  cirrus: ['cirrus-vga', 'cirrus-vga'], vga: ['VGA', 'VGA'], qxl: ['qxl-vga', 'qxl'], virtio: ['virtio-vga', 'virtio-gpu-pci'],
  bochs: ['bochs-display', 'bochs-display'], ramfb: ['ramfb', 'ramfb'],
};

const VIRTIO_GL_DEVICES: [primary: string, secondary: string] = ['virtio-vga-gl', 'virtio-gpu-gl-pci'];

type VideoModel = NonNullable<DeviceOf<'video'>['model']>;

/** QEMU's memory properties of a card, from the sizes libvirt keeps in KiB. */
function videoMemory(type: string, m: VideoModel): JsonProps {
  if (type === 'qxl') {
    return {
      max_outputs: m.heads ?? 1, ram_size: (m.ram ?? 65536) * 1024, vram_size: (m.vram ?? 65536) * 1024,
      vram64_size_mb: (m.vram64 ?? 0) / 1024, vgamem_mb: (m.vgamem ?? 16384) / 1024,
    };
  }
  if (type === 'virtio') return { max_outputs: m.heads ?? 1 };
  if (type === 'bochs') return m.vram !== undefined ? { vgamem: m.vram * 1024 } : {};
  // QEMU's VGA takes its memory in MiB; cirrus has a fixed size.
  return type === 'vga' && m.vram !== undefined ? { vgamem_mb: m.vram / 1024 } : {};
}

/** `-device` of each video card (the primary first, as libvirt sorts them at define time). */
export function videoArgs(devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'video').flatMap((v, i) => {
    const model = v.model ?? {};
    const type = model.type ?? 'cirrus';
    if (type === 'none') return [];
    // A virtio card renders through virgl with 3D acceleration (QEMU's `-gl` cards); a render node is only for vhost-user ones.
    const gl = type === 'virtio' && model.acceleration?.accel3d === true && model.acceleration.rendernode === undefined;
    const names = gl ? VIRTIO_GL_DEVICES : VIDEO_DEVICES[type];
    if (!names || (model.acceleration !== undefined && !gl) || model.resolution !== undefined || v.driver?.name === 'vhostuser') throw unsupported(`video model '${type}'`);
    if (model.heads !== undefined && model.heads !== 1 && type !== 'qxl' && type !== 'virtio') throw unsupported(`video heads '${model.heads}'`);
    // ramfb is not a PCI device.
    const at = type === 'ramfb' ? {} : pciProps(pciAddressOf(v), pcieRoot);
    return deviceArg({ driver: names[i === 0 ? 0 : 1], ...virtioOptions(v.driver), id: aliasOf(v), ...videoMemory(type, model), ...at });
  });
}

/** `-device virtio-balloon-pci` unless the balloon is turned off. */
export function balloonArgs(devices: readonly XmlElement[]): string[] {
  const b = devicesOf(devices, 'memballoon')[0];
  if (!b || b.model === 'none') return [];
  return deviceArg({
    driver: 'virtio-balloon-pci', ...virtioOptions(b.driver), id: aliasOf(b), ...(b.freePageReporting !== undefined ? { 'free-page-reporting': b.freePageReporting } : {}), ...pciProps(pciAddressOf(b), hasPcieRoot(devices)) });
}
