import { deviceElement, newDevice, parseDevice, setPciAddress, setPciControllerOptions, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { PciAddressSet } from '../devices/pci-address-set.js';
import { Connect, controllerConnect, isPciModel, newBus, type PciAddress, type PciBus, type PciModel } from '../devices/pci-bus.js';
import { pciConnectFlags } from '../devices/pci-connect.js';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';

export type { PciAddress } from '../devices/pci-bus.js';

/** A typed device that may carry a bus address (every kind of conf's but `<emulator>`). */
type Addressed = { address?: NonNullable<DeviceOf<'disk'>['address']> };

/** The PCI `<address>` of a typed device, when it has one. */
export function pciAddressOf(dev: Addressed): (PciAddress & { multifunction?: 'on' | 'off' }) | undefined {
  const a = dev.address;
  if (a?.type !== 'pci') return undefined;
  return { bus: a.bus ?? 0, slot: a.slot ?? 0, fn: a.function ?? 0, multifunction: a.multifunction };
}

/** QEMU's `bus`, `multifunction` and `addr` properties for a PCI address (none when QEMU is to choose). */
export function pciProps(a: (PciAddress & { multifunction?: 'on' | 'off' }) | undefined, pcieRoot = false): Record<string, unknown> {
  if (!a) return {};
  const addr = `0x${a.slot.toString(16)}${a.fn ? `.0x${a.fn.toString(16)}` : ''}`;
  const bus = a.bus === 0 && pcieRoot ? 'pcie.0' : `pci.${a.bus}`;
  return { bus, ...(a.multifunction === 'on' ? { multifunction: true } : a.multifunction === 'off' ? { multifunction: false } : {}), addr };
}

/** Whether the machine's PCI root is PCI Express (q35), whose bus 0 QEMU calls `pcie.0`. */
export function hasPcieRoot(devices: readonly XmlElement[]): boolean {
  return devicesOf(devices, 'controller').some((c) => c.type === 'pci' && (c.index ?? 0) === 0 && c.model === 'pcie-root');
}

/** What libvirt's QEMU driver names each PCI controller model in QEMU (`<model name>`). */
const MODEL_NAMES: Partial<Record<PciModel, string>> = {
  'pci-bridge': 'pci-bridge', 'dmi-to-pci-bridge': 'i82801b11-bridge', 'pcie-to-pci-bridge': 'pcie-pci-bridge',
  'pcie-root-port': 'pcie-root-port', 'pcie-switch-upstream-port': 'x3130-upstream', 'pcie-switch-downstream-port': 'xio3130-downstream',
  'pci-expander-bus': 'pxb', 'pcie-expander-bus': 'pxb-pcie',
};

type Chipset = 'i440fx' | 'q35' | 'other';

/** The chipset a machine type stands for (libvirt's qemuDomainIsI440FX / qemuDomainIsQ35). */
function chipsetOf(machine: string | undefined, devices: readonly Slotted[]): Chipset {
  if (machine === undefined) return rootModel(devices) === 'pcie-root' ? 'q35' : 'i440fx';
  if (machine === 'q35' || machine.startsWith('pc-q35')) return 'q35';
  if (machine === 'pc' || /^pc-(?:0\.|1\.|i440)/.test(machine) || machine.startsWith('rhel')) return 'i440fx';
  return 'other';
}

/** One device of the domain with how it connects to PCI. */
interface Slotted {
  readonly el: XmlElement;
  readonly dev: DomainDevice;
  readonly flags: number;
}

const pciController = (d: Slotted): (DeviceOf<'controller'> & { model: PciModel }) | undefined =>
  d.dev.kind === 'controller' && d.dev.type === 'pci' && isPciModel(d.dev.model) ? (d.dev as DeviceOf<'controller'> & { model: PciModel }) : undefined;

function rootModel(devices: readonly Slotted[]): PciModel | undefined {
  return devices.map(pciController).find((c) => c !== undefined && (c.index ?? 0) === 0)?.model;
}

/** A console that stands for a serial port (libvirt's compatibility copy) carries that port's address, not one of its own. */
const serialCopy = (dev: DomainDevice): boolean => dev.kind === 'console' && (dev.target?.type ?? 'serial') === 'serial';

function readDevices(devices: readonly XmlElement[], pcieRoot: boolean | undefined): Slotted[] {
  const typed = devices.map((el) => ({ el, dev: parseDevice(el) }))
    .filter((d): d is { el: XmlElement; dev: DomainDevice } => d.dev !== undefined && d.dev.kind !== 'emulator' && !serialCopy(d.dev));
  const root = pcieRoot ?? typed.some((d) => d.dev.kind === 'controller' && d.dev.type === 'pci' && d.dev.model === 'pcie-root' && (d.dev.index ?? 0) === 0);
  return typed.map((d) => ({ ...d, flags: pciConnectFlags(d.dev, root) }));
}

const addressOf = (d: Slotted): PciAddress | undefined => pciAddressOf(d.dev as Addressed);

/** An address of type pci with nothing in it asks for one, as no address does. */
function present(d: Slotted): boolean {
  const a = addressOf(d);
  return a !== undefined && (a.bus !== 0 || a.slot !== 0 || a.fn !== 0);
}
const wanted = (d: Slotted): boolean => (d.dev as Addressed).address === undefined || (addressOf(d) !== undefined && !present(d));

const isPiix3Builtin = (d: Slotted): boolean => {
  const c = d.dev.kind === 'controller' ? d.dev : undefined;
  if (!c || (c.index ?? 0) !== 0) return false;
  return c.type === 'ide' || (c.type === 'usb' && (c.model === undefined || c.model === 'piix3-uhci'));
};

/** One pass of libvirt's assignment: the buses, then every address the definition already holds. */
function addressSet(devs: readonly Slotted[], nbuses: number, dryRun: boolean, pcieRoot: boolean): PciAddressSet {
  const buses: Array<PciBus | undefined> = new Array<PciBus | undefined>(nbuses).fill(undefined);
  for (const d of devs) {
    const c = pciController(d);
    if (c && (c.index ?? 0) < nbuses) buses[c.index ?? 0] = newBus(c.model, c.target?.hotplug !== 'off');
  }
  if (nbuses > 0 && !buses[0]) buses[0] = newBus('pci-root');
  const set = new PciAddressSet(buses.map((b) => b ?? newBus(pcieRoot ? 'pcie-root-port' : 'pci-bridge')), dryRun);
  for (const d of devs) {
    const a = addressOf(d);
    // The PIIX3's own IDE and USB functions are placed with the chipset below.
    if (!a || !present(d) || (isPiix3Builtin(d) && a.bus === 0 && a.slot === 1)) continue;
    set.reserve(a, d.flags || Connect.PCI_DEVICE, true);
  }
  return set;
}

const PCI_FIXED = Connect.PCI_DEVICE | Connect.AUTO;

/**
 * Where the chipset puts its own devices: a fixed address, checked when the definition gives one;
 * `flags` reserves it (the definition's own addresses were reserved already).
 */
function fixAt(set: PciAddressSet, d: Slotted, a: PciAddress, what: string, flags?: number, multifunction?: 'on'): void {
  if (present(d)) {
    const have = addressOf(d)!;
    if (have.bus !== a.bus || have.slot !== a.slot || have.fn !== a.fn) throw new VirError(ErrorCode.INTERNAL_ERROR, what, ErrorDomain.QEMU);
  } else {
    setPciAddress(d.el, { bus: a.bus, slot: a.slot, function: a.fn, multifunction });
  }
  if (flags !== undefined) set.reserve(a, flags, true);
}

/** The primary video card goes where QEMU would put the first card: the first slot after the chipset's own. */
function placePrimaryVideo(set: PciAddressSet, devs: readonly Slotted[], slot: number, flags: number): void {
  const video = devs.find((d) => d.dev.kind === 'video');
  const type = video?.dev.kind === 'video' ? (video.dev.model?.type ?? 'cirrus') : undefined;
  if (!video || type === 'none' || type === 'ramfb' || !wanted(video)) return;
  const a = { bus: 0, slot, fn: 0 };
  set.validate(a, flags, true);
  if (set.slotInUse(a)) place(set, video, set.reserveNext(video.flags));
  else {
    set.reserve(a, flags, true);
    setPciAddress(video.el, { bus: 0, slot, function: 0 });
  }
}

function placeI440fx(set: PciAddressSet, devs: readonly Slotted[]): void {
  for (const d of devs.filter(isPiix3Builtin)) {
    const ide = d.dev.kind === 'controller' && d.dev.type === 'ide';
    fixAt(set, d, { bus: 0, slot: 1, fn: ide ? 1 : 2 }, ide ? 'Primary IDE controller must have PCI address 0:0:1.1' : 'PIIX3 USB controller at index 0 must have PCI address 0:0:1.2', PCI_FIXED);
  }
  // The ISA bridge (1.0) and the ACPI/PM function (1.3).
  set.reserve({ bus: 0, slot: 1, fn: 0 }, PCI_FIXED, true);
  set.reserve({ bus: 0, slot: 1, fn: 3 }, PCI_FIXED, true);
  placePrimaryVideo(set, devs, 2, PCI_FIXED);
}

function placeQ35(set: PciAddressSet, devs: readonly Slotted[]): void {
  const pcie = Connect.PCIE_DEVICE;
  for (const d of devs) {
    const c = d.dev.kind === 'controller' ? d.dev : undefined;
    if (c?.type === 'sata' && (c.index ?? 0) === 0) fixAt(set, d, { bus: 0, slot: 0x1f, fn: 2 }, 'Primary SATA controller must have PCI address 0:0:1f.2');
    else if (c?.type === 'usb' && c.model === 'ich9-uhci1' && !c.address) {
      const slot = [0x1d, 0x1a].find((s) => !set.slotInUse({ bus: 0, slot: s, fn: 0 }));
      if (slot !== undefined) fixAt(set, d, { bus: 0, slot, fn: 0 }, '', pcie, 'on');
    } else if (c?.type === 'pci' && c.model === 'dmi-to-pci-bridge' && !c.address && !set.slotInUse({ bus: 0, slot: 0x1e, fn: 0 })) {
      fixAt(set, d, { bus: 0, slot: 0x1e, fn: 0 }, '', pcie);
    }
  }
  // The LPC bridge (1f.0) and SMBus (1f.3) are always there.
  set.reserve({ bus: 0, slot: 0x1f, fn: 0 }, pcie, true);
  set.reserve({ bus: 0, slot: 0x1f, fn: 3 }, pcie, true);
  placePrimaryVideo(set, devs, 1, pcie);
  const hda = { bus: 0, slot: 0x1b, fn: 0 };
  const sound = devs.find((d) => d.dev.kind === 'sound' && d.dev.model === 'ich9' && wanted(d));
  if (sound && !set.slotInUse(hda)) {
    set.reserve(hda, pcie, true);
    setPciAddress(sound.el, { bus: 0, slot: 0x1b, function: 0 });
  }
}

/** Records an address chosen for a device (the dry run only counts buses). */
function place(set: PciAddressSet, d: Slotted, a: PciAddress, multifunction?: 'on'): void {
  if (!set.dryRun) setPciAddress(d.el, { bus: a.bus, slot: a.slot, function: a.fn, multifunction });
}

const USB2_FUNCTIONS: Record<string, [fn: number, multi?: 'on']> = { 'ich9-ehci1': [7], 'ich9-uhci1': [0, 'on'], 'ich9-uhci2': [1], 'ich9-uhci3': [2] };

/** USB2 companions of one index share a slot, each on its own function. */
function placeUsb2(set: PciAddressSet, devs: readonly Slotted[], d: DeviceOf<'controller'> & { model: string }, s: Slotted): void {
  const [fn, multi] = USB2_FUNCTIONS[d.model]!;
  const sibling = devs.find((o) => o.dev.kind === 'controller' && o.dev.type === 'usb' && USB2_FUNCTIONS[o.dev.model ?? ''] && (o.dev.index ?? 0) === (d.index ?? 0) && present(o));
  if (sibling) {
    const a = { ...addressOf(sibling)!, fn };
    set.reserve(a, s.flags, true);
    place(set, s, a, multi);
  } else {
    place(set, s, set.reserveNext(s.flags, fn), multi);
  }
}

const isKind = <K extends DomainDevice['kind']>(d: Slotted, kind: K): d is Slotted & { dev: DeviceOf<K> } => d.dev.kind === kind;

/** The devices that get addresses, in libvirt's order of assignment (which decides who gets which slot). */
const ORDER: Array<(d: Slotted) => boolean> = [
  (d) => isKind(d, 'controller') && d.dev.type === 'pci' && d.dev.model !== 'pci-root' && d.dev.model !== 'pcie-root',
  (d) => isKind(d, 'filesystem'),
  (d) => isKind(d, 'interface') && d.dev.type !== 'hostdev',
  (d) => isKind(d, 'sound'),
  (d) => isKind(d, 'controller') && d.dev.type !== 'pci' && !(d.dev.type === 'usb' && d.dev.model === 'none') && d.dev.type !== 'fdc' && d.dev.type !== 'ccid' && !(d.dev.type === 'ide' && (d.dev.index ?? 0) === 0),
  (d) => isKind(d, 'disk'),
  (d) => isKind(d, 'hostdev') && d.dev.address?.type !== 'unassigned',
  (d) => isKind(d, 'memballoon'),
  (d) => isKind(d, 'rng'),
  (d) => isKind(d, 'watchdog'),
  (d) => isKind(d, 'video'),
  (d) => isKind(d, 'shmem'),
  (d) => isKind(d, 'input'),
  (d) => isKind(d, 'serial'),
  (d) => isKind(d, 'iommu'),
  (d) => isKind(d, 'vsock'),
  (d) => isKind(d, 'memory'),
  (d) => isKind(d, 'crypto'),
];

function assignSlots(set: PciAddressSet, devs: readonly Slotted[]): void {
  for (const step of ORDER) {
    for (const d of devs.filter(step)) {
      if (isKind(d, 'disk') && d.flags && !wanted(d) && !present(d)) {
        throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `virtio disk cannot have an address of type '${d.dev.address?.type}'`, ErrorDomain.QEMU);
      }
      if (!d.flags || !wanted(d)) continue;
      if (isKind(d, 'controller') && d.dev.type === 'usb' && d.dev.model !== undefined && USB2_FUNCTIONS[d.dev.model]) {
        placeUsb2(set, devs, d.dev as DeviceOf<'controller'> & { model: string }, d);
      } else {
        place(set, d, set.reserveNext(d.flags));
      }
    }
  }
}

/** Appends a new PCI controller after the domain's last controller, as libvirt adds the ones it creates. */
function insertController(devices: XmlElement[], devs: readonly Slotted[], index: number, model: PciModel): void {
  const el = deviceElement(newDevice('controller', { type: 'pci', index, model }));
  const last = [...devs].reverse().find((d) => d.dev.kind === 'controller');
  devices.splice(last ? devices.indexOf(last.el) + 1 : devices.length, 0, el);
}

/**
 * Writes every PCI address in libvirt's spelling, marking function 0 of each slot with more
 * functions in use as multifunction unless the definition says otherwise.
 */
function normaliseAddresses(devs: readonly Slotted[]): void {
  const withAddr = devs.map((d) => ({ d, a: pciAddressOf(d.dev as Addressed) })).filter((x) => x.a !== undefined && present(x.d));
  for (const { d, a } of withAddr as Array<{ d: Slotted; a: NonNullable<ReturnType<typeof pciAddressOf>> }>) {
    const shared = a.fn === 0 && withAddr.some((o) => o.a!.bus === a.bus && o.a!.slot === a.slot && o.a!.fn !== 0);
    setPciAddress(d.el, { bus: a.bus, slot: a.slot, function: a.fn, multifunction: a.multifunction ?? (shared ? 'on' : undefined) });
  }
}

/** libvirt's defaults for its PCI controllers: the QEMU model name, chassis and port numbers from the address. */
function controllerDefaults(devs: readonly Slotted[]): void {
  for (const d of devs) {
    const c = pciController(d);
    if (!c) continue;
    const idx = c.index ?? 0;
    const a = addressOf(d);
    const t = c.target ?? {};
    const opts = c.model === 'pci-bridge' ? { chassisNr: t.chassisNr ?? idx }
      : c.model === 'pcie-root-port' && a ? { chassis: t.chassis ?? idx, port: t.port ?? (a.slot << 3) + a.fn }
        : c.model === 'pcie-switch-downstream-port' && a ? { chassis: t.chassis ?? idx, port: t.port ?? a.slot } : {};
    setPciControllerOptions(d.el, { modelName: c.pciModel === undefined ? MODEL_NAMES[c.model] : undefined, ...opts });
    if (c.model === 'pci-bridge' && a && idx <= a.bus) {
      const h = (n: number): string => n.toString(16).padStart(2, '0');
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `PCI controller at index ${idx} (0x${h(idx)}) has bus='0x${h(a.bus)}', but index must be larger than bus`, ErrorDomain.QEMU);
    }
  }
}

/** The dry run that adds the buses the devices need (controllers inserted into `devices`); the number of buses after it. */
function growBuses(devices: XmlElement[], devs: Slotted[], maxIdx: number, pcieRoot: boolean, pass: (set: PciAddressSet) => void, reread: () => Slotted[]): number {
  const dry = addressSet(devs, maxIdx + 1, true, pcieRoot);
  pass(dry);
  // A new q35 domain gets one empty root port, so that a device can be plugged in later.
  if (maxIdx <= 0 && dry.buses.length > maxIdx + 1 && pcieRoot) dry.reserveNext(Connect.PCIE_DEVICE | Connect.AUTO);
  let current = reread();
  for (let i = 1; i < dry.buses.length; i++) {
    if (current.some((d) => pciController(d)?.index === i)) continue;
    const model = dry.buses[i]!.model;
    insertController(devices, current, i, model);
    current = reread();
    if (model !== 'pci-root' && model !== 'pcie-root') dry.reserveNext(controllerConnect(model));
  }
  return dry.buses.length;
}

/**
 * Gives every PCI device without an address one, as libvirt does when a domain is defined: a dry
 * run finds how many buses the devices need and adds their controllers (pcie-root-ports on q35,
 * aggregated as functions of one slot, and one spare for hotplug; pci-bridges on a PC), then the
 * real pass places the chipset's own devices, then the rest in libvirt's order of device kinds.
 * `devices` is changed in place (addresses written, controllers inserted).
 */
export function assignPciAddresses(devices: XmlElement[], machine?: string, live = false): void {
  let devs = readDevices(devices, undefined);
  const chipset = chipsetOf(machine, devs);
  const root = rootModel(devs);
  const pcieRoot = root === 'pcie-root';
  const maxIdx = Math.max(-1, ...devs.map(pciController).filter((c) => c !== undefined).map((c) => c.index ?? 0));
  const reread = (): Slotted[] => (devs = readDevices(devices, pcieRoot));
  /** The chipset's devices, then everything else (a dry run also reserves the spare slot of a PC). */
  const pass = (set: PciAddressSet): void => {
    if (chipset === 'i440fx') placeI440fx(set, devs);
    else if (chipset === 'q35') placeQ35(set, devs);
    reread();
    if (set.dryRun && root === 'pci-root' && !set.fullyReserved()) set.reserveNext(PCI_FIXED);
    assignSlots(set, devs);
  };
  let nbuses = maxIdx + 1;
  if (nbuses === 0) return;
  // A running domain's buses are what QEMU has: nothing is added to them for a device plugged live.
  if (!live) nbuses = growBuses(devices, devs, maxIdx, pcieRoot, pass, reread);
  pass(addressSet(reread(), nbuses, false, pcieRoot));
  normaliseAddresses(reread());
  controllerDefaults(reread());
}
