import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** What a device plugs into, or what a bus accepts (libvirt's PCI connect flags). */
export const Connect = {
  PCI_DEVICE: 1 << 0,
  PCIE_DEVICE: 1 << 1,
  ROOT_PORT: 1 << 2,
  SWITCH_UPSTREAM: 1 << 3,
  SWITCH_DOWNSTREAM: 1 << 4,
  DMI_BRIDGE: 1 << 5,
  PCIE_TO_PCI_BRIDGE: 1 << 6,
  PCI_EXPANDER: 1 << 7,
  PCIE_EXPANDER: 1 << 8,
  PCI_BRIDGE: 1 << 9,
  /** The device may be given an address automatically / the bus takes such devices. */
  AUTO: 1 << 10,
  HOTPLUG: 1 << 11,
  /** Several of these devices may share one slot as functions (auto-added root ports). */
  AGGREGATE: 1 << 12,
  /** Only on bus 0, as an integrated device. */
  INTEGRATED: 1 << 13,
} as const;

const TYPES = (1 << 10) - 1;
const ENDPOINTS = Connect.PCI_DEVICE | Connect.PCIE_DEVICE;

/** A guest PCI address (domain 0 always). */
export interface PciAddress {
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

/** The PCI controller models libvirt knows. */
export type PciModel =
  | 'pci-root' | 'pcie-root' | 'pci-bridge' | 'dmi-to-pci-bridge' | 'pcie-to-pci-bridge' | 'pcie-root-port'
  | 'pcie-switch-upstream-port' | 'pcie-switch-downstream-port' | 'pci-expander-bus' | 'pcie-expander-bus';

/** One bus of the guest: what it accepts and which functions of which slots are taken. */
export interface PciBus {
  readonly model: PciModel;
  flags: number;
  readonly minSlot: number;
  readonly maxSlot: number;
  readonly functions: number[];
  readonly aggregate: boolean[];
}

const LAST_SLOT = 31;

/** What each controller model offers downstream: accepted connections and its slots. */
const BUS_MODELS: Record<PciModel, { flags: number; min: number; max: number; hotplug: boolean }> = {
  'pci-root': { flags: Connect.AUTO | Connect.PCI_DEVICE | Connect.PCI_BRIDGE | Connect.PCI_EXPANDER, min: 1, max: LAST_SLOT, hotplug: true },
  'pci-bridge': { flags: Connect.AUTO | Connect.PCI_DEVICE | Connect.PCI_BRIDGE, min: 1, max: LAST_SLOT, hotplug: true },
  'pci-expander-bus': { flags: Connect.AUTO | Connect.PCI_DEVICE | Connect.PCI_BRIDGE, min: 0, max: LAST_SLOT, hotplug: true },
  'pcie-root': { flags: Connect.PCIE_DEVICE | Connect.ROOT_PORT | Connect.DMI_BRIDGE | Connect.PCIE_EXPANDER, min: 1, max: LAST_SLOT, hotplug: false },
  'dmi-to-pci-bridge': { flags: Connect.PCI_DEVICE | Connect.PCI_BRIDGE, min: 0, max: LAST_SLOT, hotplug: false },
  'pcie-to-pci-bridge': { flags: Connect.AUTO | Connect.PCI_DEVICE | Connect.PCI_BRIDGE, min: 1, max: LAST_SLOT, hotplug: true },
  'pcie-root-port': { flags: Connect.AUTO | Connect.PCIE_DEVICE | Connect.SWITCH_UPSTREAM | Connect.PCIE_TO_PCI_BRIDGE, min: 0, max: 0, hotplug: true },
  'pcie-switch-downstream-port': { flags: Connect.AUTO | Connect.PCIE_DEVICE | Connect.SWITCH_UPSTREAM | Connect.PCIE_TO_PCI_BRIDGE, min: 0, max: 0, hotplug: true },
  'pcie-switch-upstream-port': { flags: Connect.SWITCH_DOWNSTREAM, min: 0, max: LAST_SLOT, hotplug: false },
  'pcie-expander-bus': { flags: Connect.ROOT_PORT | Connect.DMI_BRIDGE, min: 0, max: LAST_SLOT, hotplug: false },
};

export const isPciModel = (m: string | undefined): m is PciModel => m !== undefined && Object.hasOwn(BUS_MODELS, m);

/** A fresh bus of a controller model (`hotplug='off'` takes hotplug away where the model has it). */
export function newBus(model: PciModel, hotplug = true): PciBus {
  const m = BUS_MODELS[model];
  return {
    model, flags: m.flags | (m.hotplug && hotplug ? Connect.HOTPLUG : 0), minSlot: m.min, maxSlot: m.max,
    functions: new Array<number>(LAST_SLOT + 1).fill(0), aggregate: new Array<boolean>(LAST_SLOT + 1).fill(false),
  };
}

/** What a PCI controller itself plugs into upstream (0 for the roots). */
export function controllerConnect(model: PciModel): number {
  switch (model) {
    case 'pci-root':
    case 'pcie-root':
      return 0;
    case 'pci-bridge':
      return Connect.PCI_BRIDGE;
    case 'pci-expander-bus':
      return Connect.PCI_EXPANDER;
    case 'pcie-expander-bus':
      return Connect.PCIE_EXPANDER;
    case 'dmi-to-pci-bridge':
      return Connect.DMI_BRIDGE;
    case 'pcie-to-pci-bridge':
      return Connect.PCIE_TO_PCI_BRIDGE;
    case 'pcie-root-port':
      return Connect.ROOT_PORT | Connect.AGGREGATE;
    case 'pcie-switch-upstream-port':
      return Connect.SWITCH_UPSTREAM;
    case 'pcie-switch-downstream-port':
      return Connect.SWITCH_DOWNSTREAM;
  }
}

/** The words libvirt names a connection type with in its errors, most specific first. */
const CONNECT_WORDS: Array<[number, string]> = [
  [Connect.PCI_DEVICE, 'standard PCI device'], [Connect.PCIE_DEVICE, 'PCI Express device'], [Connect.ROOT_PORT, 'pcie-root-port'],
  [Connect.SWITCH_UPSTREAM, 'pcie-switch-upstream-port'], [Connect.SWITCH_DOWNSTREAM, 'pcie-switch-downstream-port'],
  [Connect.DMI_BRIDGE, 'dmi-to-pci-bridge'], [Connect.PCIE_TO_PCI_BRIDGE, 'pcie-to-pci-bridge'], [Connect.PCI_EXPANDER, 'pci-expander-bus'],
  [Connect.PCIE_EXPANDER, 'pcie-expander-bus'], [Connect.PCI_BRIDGE, 'pci-bridge'],
];

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** `0000:00:01.0`, as libvirt prints an address in messages. */
export const addressString = (a: PciAddress): string => `0000:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.fn.toString(16)}`;

const fail = (fromConfig: boolean, msg: string): VirError =>
  new VirError(fromConfig ? ErrorCode.XML_ERROR : ErrorCode.INTERNAL_ERROR, msg, ErrorDomain.DOMAIN);

/**
 * Whether a device with `devFlags` may sit on a bus with `busFlags` at `a`; an address from the
 * configuration may put a PCI device in a PCIe slot and the reverse, an automatic one may not.
 * With `fromConfig` set to a boolean, a refusal throws libvirt's error instead of returning false.
 */
export function compatible(a: PciAddress, busFlags: number, devFlags: number, fromConfig: boolean | undefined): boolean {
  const report = fromConfig !== undefined;
  const cfg = fromConfig === true;
  let bus = busFlags;
  let dev = devFlags;
  if (dev & Connect.INTEGRATED) {
    if (a.bus !== 0) {
      if (report) throw fail(cfg, `The device at PCI address ${addressString(a)} needs to be an integrated device (bus=0)`);
      return false;
    }
    bus |= Connect.PCI_DEVICE | Connect.AUTO;
  }
  if (cfg) {
    if (bus & ENDPOINTS) bus |= ENDPOINTS;
    if (dev & Connect.PCI_BRIDGE) dev |= Connect.PCI_DEVICE;
  } else if (dev & Connect.AUTO && !(bus & Connect.AUTO)) {
    if (report) throw fail(cfg, `The device at PCI address ${addressString(a)} was auto-assigned this address, but the PCI controller with index='${a.bus}' doesn't allow auto-assignment`);
    return false;
  }
  if (dev & Connect.HOTPLUG && !(bus & Connect.HOTPLUG)) {
    if (report) throw fail(cfg, `The device at PCI address ${addressString(a)} requires hotplug capability, but the PCI controller with index='${a.bus}' doesn't support hotplug`);
    return false;
  }
  if (!(dev & bus & TYPES)) {
    if (!report) return false;
    const word = CONNECT_WORDS.find(([f]) => dev & f)?.[1];
    throw fail(cfg, `The device at PCI address ${addressString(a)} cannot be plugged into the PCI controller with index='${a.bus}'. It requires a controller that accepts a ${word}.`);
  }
  return true;
}
