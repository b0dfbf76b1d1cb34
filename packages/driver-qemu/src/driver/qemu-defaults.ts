import { assignHostdevDriveAddresses } from '../devices/hostdev-address.js';
import { shmemDefaults } from '../devices/shmem-rules.js';
import { redirfilterDefaults } from '../devices/redirfilter-rules.js';
import { DOMAIN_PART_MODELS, deviceElement, newDevice, type DeviceOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { disksOf, driveAddress } from '../devices/qemu-disk.js';
import { qemuDiskDefaults } from '../devices/disk-defaults.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { defaultAudioType, diskDefaults, graphicsDefaults, modelDefaults, unixSourceDefaults, tpmDefaults, videoDefaults, virtioSerialDefaults } from './device-defaults.js';
import { memoryDefaults } from '../memdev/memory-defaults.js';

/** The machine types QEMU 7.2 (the installed one) resolves its aliases to; libvirt stores the resolved name. */
const MACHINE_ALIASES: Record<string, string> = { pc: 'pc-i440fx-7.2', q35: 'pc-q35-7.2' };

/** Whether a machine type is Intel's Q35 chipset (PCI Express). */
export const isQ35 = (machine: string | undefined): boolean => machine !== undefined && (machine === 'q35' || machine.startsWith('pc-q35'));

const CPU = DOMAIN_PART_MODELS.cpu;

/** The default CPU model of the domain's QEMU binary: qemu32 for qemu-system-i386, qemu64 for qemu-system-x86_64 (an i686 guest's too). */
const defaultCpuModel = (def: DomainDef): string => (devicesOf(def.devices, 'emulator')[0]?.path?.trim().endsWith('qemu-system-i386') ? 'qemu32' : 'qemu64');

/** Without a CPU model a TCG or KVM guest gets its QEMU binary's default, written out. */
function defaultCpu(def: DomainDef): void {
  const at = def.other.findIndex((e) => e.name === 'cpu');
  const cpu = at < 0 ? undefined : CPU.parse(def.other[at]!);
  if (cpu && (cpu.model !== undefined || cpu.mode !== undefined)) return;
  const el = CPU.format({ ...cpu, mode: 'custom', match: 'exact', check: 'none', model: { name: defaultCpuModel(def), fallback: 'forbid' } });
  if (at < 0) def.other.push(el);
  else def.other[at] = el;
}

/**
 * USB controllers in libvirt's order: by index, an EHCI controller before the USB1 companions
 * that serve its bus (`<master startport>`), in the places USB controllers had.
 */
function usbControllerOrder(def: DomainDef): void {
  const usb = devicesOf(def.devices, 'controller').filter((c) => c.type === 'usb');
  const slots = usb.map((c) => def.devices.indexOf(c.xml!));
  const rank = (c: (typeof usb)[number]): number => (c.index ?? 0) * 2 + (c.master === undefined ? 0 : 1);
  [...usb].sort((a, b) => rank(a) - rank(b)).forEach((c, i) => (def.devices[slots[i]!] = c.xml!));
}

/** Without a model, the first USB controller is the PIIX3's UHCI on a PC and QEMU's XHCI on q35 (as libvirt picks them with QEMU 7.2). */
function usbModels(def: DomainDef, q35: boolean): void {
  for (const c of devicesOf(def.devices, 'controller')) {
    if (c.type === 'usb' && c.model === undefined && ((c.index ?? 0) === 0 || q35)) writeBack(def, { ...c, model: q35 ? 'qemu-xhci' : 'piix3-uhci' });
  }
}

type ControllerType = NonNullable<DeviceOf<'controller'>['type']>;

/**
 * The devices a PC always has: a USB controller, the PCI root (PCIe on q35, with the ICH9's SATA
 * controller), an IDE controller for IDE disks, a balloon, PS/2 mouse and keyboard.
 */
function implicitDevices(def: DomainDef, q35: boolean): void {
  const add = (el: XmlElement): void => {
    def.devices.push(el);
  };
  const controller = (type: ControllerType, model?: string, index = 0): void => {
    const same = devicesOf(def.devices, 'controller').filter((c) => c.type === type);
    if (same.some((c) => (c.index ?? 0) === index)) return;
    // Beside the controllers of its type with lower indexes, as libvirt inserts it.
    const before = same.filter((c) => (c.index ?? 0) < index).at(-1);
    const el = deviceElement(newDevice('controller', { type, index, model }));
    if (before) def.devices.splice(def.devices.indexOf(before.xml!) + 1, 0, el);
    else add(el);
  };
  controller('usb');
  if (q35) controller('sata');
  controller('pci', q35 ? 'pcie-root' : 'pci-root');
  for (const bus of ['ide', 'scsi', 'sata'] as const) {
    const onBus = disksOf(def.devices).filter((d) => d.bus === bus);
    // Every controller up to the highest one a disk's address names.
    const last = Math.max(-1, ...onBus.map((d) => driveAddress(d).controller));
    for (let i = 0; i <= last; i++) controller(bus, undefined, i);
    if (bus === 'scsi' && last < 0 && devicesOf(def.devices, 'hostdev').some((h) => h.type === 'scsi')) controller(bus);
  }
  for (const c of devicesOf(def.devices, 'controller')) if (c.type === 'scsi' && c.model === undefined) writeBack(def, { ...c, model: 'lsilogic' });
  const inputs = devicesOf(def.devices, 'input');
  for (const type of ['mouse', 'keyboard'] as const) {
    if (!inputs.some((i) => i.type === type && i.bus === 'ps2')) add(deviceElement(newDevice('input', { type, bus: 'ps2' })));
  }
  if (devicesOf(def.devices, 'memballoon').length === 0) add(deviceElement(newDevice('memballoon', { model: 'virtio' })));
}

const ISA_SERIAL = { type: 'isa-serial', model: 'isa-serial' } as const;
/** The device model of each serial target type. */
const SERIAL_MODELS: Readonly<Record<string, string>> = { 'isa-serial': 'isa-serial', 'isa-debug': 'isa-debugcon', 'pci-serial': 'pci-serial', 'usb-serial': 'usb-serial' };

/**
 * Serial ports get their target (ISA unless told), its model, and a port number past the highest
 * of all; a console mirrors serial port 0 (its type, source and user alias), as libvirt pairs
 * them, and is made for a first port on the ISA bus only.
 */
function serialTargets(def: DomainDef): void {
  for (const s of devicesOf(def.devices, 'serial')) {
    const type = s.target?.type ?? 'isa-serial';
    const highest = Math.max(-1, ...devicesOf(def.devices, 'serial').map((o) => o.target?.port ?? -1));
    writeBack(def, { ...s, target: { ...s.target, type, model: s.target?.model ?? SERIAL_MODELS[type], port: s.target?.port ?? highest + 1 } });
  }
  const serial0 = devicesOf(def.devices, 'serial')[0];
  let console0 = devicesOf(def.devices, 'console')[0];
  if (!console0 && serial0?.target?.type === 'isa-serial') {
    def.devices.push(deviceElement(newDevice('console', { type: 'pty' })));
    console0 = devicesOf(def.devices, 'console')[0];
  }
  if (console0 && serial0 && console0.target?.type !== undefined && console0.target.type !== 'serial') {
    // A first console of another kind (virtio) keeps its place after the serial port's own console.
    const mirror = newDevice('console', { type: serial0.type ?? 'pty', sources: serial0.sources?.slice(0, 1), target: { type: 'serial', port: serial0.target?.port ?? 0 } });
    def.devices.splice(def.devices.indexOf(console0.xml!), 0, deviceElement(mirror));
    return;
  }
  if (!console0 || (console0.target?.type ?? 'serial') !== 'serial') return;
  const target = { type: 'serial', port: 0 };
  if (serial0) {
    // A user alias goes with the copy too (libvirt shares the serial's device info).
    writeBack(def, { ...console0, type: serial0.type ?? 'pty', sources: serial0.sources?.slice(0, 1), target, ...(serial0.alias?.startsWith('ua-') ? { alias: serial0.alias } : {}) });
  } else {
    const serial = deviceElement(newDevice('serial', { type: console0.type ?? 'pty', target: { ...ISA_SERIAL, port: 0 } }));
    def.devices.splice(def.devices.indexOf(console0.xml!), 0, serial);
    writeBack(def, { ...console0, target });
  }
}

/** A VNC display with a fixed port says autoport='no'. */
function vncAutoport(def: DomainDef): void {
  for (const g of devicesOf(def.devices, 'graphics')) {
    if (g.type === 'vnc' && g.autoport === undefined && (g.port ?? -1) >= 0) writeBack(def, { ...g, autoport: 'no' });
  }
}

/** libvirt keeps devices in arrays by kind and writes them in this order. */
const DEVICE_ORDER = [
  'emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial', 'parallel', 'console', 'channel',
  'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev', 'redirfilter', 'hub', 'watchdog', 'memballoon',
  'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto',
];

function sortDevices(def: DomainDef): void {
  const rank = (el: XmlElement): number => {
    const i = DEVICE_ORDER.indexOf(el.name);
    return i < 0 ? DEVICE_ORDER.length : i;
  };
  def.devices = def.devices.map((el, i) => ({ el, i })).sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i).map((x) => x.el);
}

/** An audio backend when the domain names none (libvirt's default without host audio). */
function defaultAudio(def: DomainDef): void {
  if (devicesOf(def.devices, 'audio').length === 0) def.devices.push(deviceElement(newDevice('audio', { id: 1, type: defaultAudioType(def) })));
}

/**
 * Each console's target port is its place among the consoles as the XML is read (libvirt's parse
 * numbers them so, whatever port was written). libvirt's config attach and detach work on a copy
 * of the definition read again, so both number the consoles afresh before they change it.
 */
export function consolePorts(def: DomainDef): void {
  devicesOf(def.devices, 'console').forEach((c, port) => {
    if (c.target?.port !== port) writeBack(def, { ...c, target: { ...c.target, port } });
  });
}

/**
 * What libvirt's QEMU driver adds to an x86 definition when it is defined (qemuDomainDefPostParse
 * and friends). `abiUpdate` (a new definition through the API, not a re-read of a stored one)
 * also pins a machine alias to the versioned type it stands for now.
 */
export function applyQemuDefaults(def: DomainDef, abiUpdate: boolean): void {
  const machine = def.os.machine ?? 'pc';
  def.os.machine = abiUpdate ? (MACHINE_ALIASES[machine] ?? machine) : machine;
  defaultCpu(def);
  const q35 = isQ35(def.os.machine);
  implicitDevices(def, q35);
  usbModels(def, q35);
  usbControllerOrder(def);
  modelDefaults(def);
  diskDefaults(def);
  graphicsDefaults(def);
  defaultAudio(def);
  qemuDiskDefaults(def);
  assignHostdevDriveAddresses(def);
  serialTargets(def);
  virtioSerialDefaults(def, abiUpdate);
  unixSourceDefaults(def);
  vncAutoport(def);
  videoDefaults(def);
  tpmDefaults(def);
  memoryDefaults(def);
  shmemDefaults(def);
  redirfilterDefaults(def);
  sortDevices(def);
}
