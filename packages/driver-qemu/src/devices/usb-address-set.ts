import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, type DeviceOf } from './typed-devices.js';

/** A device that sits on a USB port: hubs first, then libvirt's order of assignment. */
export type UsbDevice = DeviceOf<'hub'> | DeviceOf<'input'> | DeviceOf<'hostdev'> | DeviceOf<'controller'> | DeviceOf<'disk'> | DeviceOf<'serial'> | DeviceOf<'sound'>
  | DeviceOf<'redirdev'>;

/** A USB bus (controller index) and a port path (`1`, `1.2`: port 2 of the hub on port 1). */
export interface UsbPort {
  readonly bus: number;
  readonly port: string;
}

/** Where every USB device goes, and the hubs libvirt adds when the ports run out (in the order it adds them). */
export interface UsbPlan {
  readonly ports: ReadonlyMap<XmlElement, UsbPort>;
  readonly newHubs: readonly UsbPort[];
}

/** A root hub or a hub device: each port free, taken by a device, or holding a hub. */
interface Hub {
  readonly ports: Array<Hub | 'used' | undefined>;
}

const HUB_PORTS = 8;
/** libvirt parses a port path of at most four levels. */
const MAX_DEPTH = 4;
/** xHCI controllers have 4 ports unless told; QEMU allows 15. */
const XHCI_PORTS = 4;
const XHCI_MAX_PORTS = 15;

/** Ports of a controller model's root hub; ICH9 UHCI companions serve their EHCI master's ports. */
const MODEL_PORTS: Record<string, number> = {
  'piix3-uhci': 2, 'piix4-uhci': 2, 'vt82c686b-uhci': 2, 'ich9-uhci1': 2, 'ich9-uhci2': 2, 'ich9-uhci3': 2,
  'pci-ohci': 3, ehci: 6, 'ich9-ehci1': 6, qusb1: 4, qusb2: 4,
};

const xmlError = (msg: string): VirError => new VirError(ErrorCode.XML_ERROR, msg, ErrorDomain.DOMAIN);

function onUsb(d: UsbDevice): boolean {
  if (d.kind === 'hub') return d.type === 'usb';
  if (d.kind === 'input') return d.bus === 'usb';
  if (d.kind === 'controller') return d.type === 'ccid';
  if (d.kind === 'disk') return d.target?.bus === 'usb';
  if (d.kind === 'serial') return d.target?.type === 'usb-serial';
  if (d.kind === 'sound') return d.model === 'usb';
  if (d.kind === 'redirdev') return true;
  return d.mode !== 'capabilities' && d.type === 'usb';
}

/** The devices on a USB port, in libvirt's order of assignment (hubs, host devices, disks, CCID readers, inputs, serial ports, sound cards, redirected devices). */
export function usbDevices(devices: readonly XmlElement[]): UsbDevice[] {
  return [
    ...devicesOf(devices, 'hub'), ...devicesOf(devices, 'hostdev'), ...devicesOf(devices, 'disk'), ...devicesOf(devices, 'controller'),
    ...devicesOf(devices, 'input'), ...devicesOf(devices, 'serial'), ...devicesOf(devices, 'sound'), ...devicesOf(devices, 'redirdev'),
  ].filter(onUsb);
}

/** The root hub of each USB controller by index (the first controller of an index, so a companion adds none). */
function rootHubs(devices: readonly XmlElement[]): Map<number, Hub> {
  const buses = new Map<number, Hub>();
  for (const c of devicesOf(devices, 'controller')) {
    if (c.type !== 'usb' || c.model === 'none' || c.master !== undefined || buses.has(c.index ?? 0)) continue;
    const xhci = c.model === 'nec-xhci' || c.model === 'qemu-xhci';
    if (xhci && (c.ports ?? 0) > XHCI_MAX_PORTS) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `'${c.model}' controller only supports up to '${XHCI_MAX_PORTS}' ports`, ErrorDomain.QEMU);
    }
    const n = xhci ? (c.ports ?? XHCI_PORTS) : MODEL_PORTS[c.model ?? ''];
    if (n !== undefined) buses.set(c.index ?? 0, { ports: new Array<undefined>(n).fill(undefined) });
  }
  return buses;
}

/** A port path's numbers, as libvirt parses `<address port>`. */
function portPath(port: string): number[] {
  const path = port.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (path.length > MAX_DEPTH || path.some((p) => !(p >= 1))) throw new VirError(ErrorCode.INTERNAL_ERROR, "Cannot parse <address> 'port' attribute", ErrorDomain.DOMAIN);
  return path;
}

/** Takes the port a device's address names, making a hub there when the device is one; libvirt's refusals. */
function reserve(buses: Map<number, Hub>, at: UsbPort, isHub: boolean): void {
  const root = buses.get(at.bus);
  if (!root) throw xmlError(`USB bus ${at.bus} requested but no controller with that index is present`);
  let hub: Hub = root;
  const path = portPath(at.port);
  for (const p of path.slice(0, -1)) {
    const next: Hub | 'used' | undefined = hub.ports[p - 1];
    if (next === undefined || next === 'used') throw xmlError(`there is no hub at port ${p} in USB address bus: ${at.bus} port: ${at.port}`);
    hub = next;
  }
  const last = path.at(-1)! - 1;
  if (last >= hub.ports.length) throw xmlError(`requested USB port ${at.port} not present on USB bus ${at.bus}`);
  if (hub.ports[last] !== undefined) throw xmlError(`Duplicate USB address bus ${at.bus} port ${at.port}`);
  hub.ports[last] = isHub ? { ports: new Array<undefined>(HUB_PORTS).fill(undefined) } : 'used';
}

/** The first free port under a hub at `depth`: its own ports first, then those of the hubs on them, in order, no deeper than a port path goes. */
function freePort(hub: Hub, depth = 1): number[] | undefined {
  const own = hub.ports.indexOf(undefined);
  if (own >= 0) return [own + 1];
  if (depth >= MAX_DEPTH) return undefined;
  for (const [i, p] of hub.ports.entries()) {
    const below = p !== undefined && p !== 'used' ? freePort(p, depth + 1) : undefined;
    if (below) return [i + 1, ...below];
  }
  return undefined;
}

/** The first free port of any bus, by controller index. */
function assign(buses: Map<number, Hub>, isHub: boolean): UsbPort {
  for (const bus of [...buses.keys()].sort((a, b) => a - b)) {
    const path = freePort(buses.get(bus)!);
    if (!path) continue;
    const at = { bus, port: path.join('.') };
    reserve(buses, at, isHub);
    return at;
  }
  // libvirt's words for a full bus, at define as at a plug: an internal error, not the XML's.
  throw new VirError(ErrorCode.INTERNAL_ERROR, 'No free USB ports', ErrorDomain.DOMAIN);
}

/**
 * libvirt's USB addresses for a new definition or a fresh start: the ports the definition names
 * are reserved (hubs making their ports); when the devices (hubs and placed ones too) outnumber
 * the ports of the controllers and of every hub, enough hubs are added, each on the first free
 * port; then every device without a port gets the first free one, hubs first.
 */
export function planUsbAddresses(devices: readonly XmlElement[]): UsbPlan {
  const buses = rootHubs(devices);
  const all = usbDevices(devices);
  const ports = new Map<XmlElement, UsbPort>();
  const newHubs: UsbPort[] = [];
  if (buses.size === 0) return { ports, newHubs };
  // libvirt's estimate, not the free ports: a hub counts as a device and as its ports, wherever it sits.
  const available = [...buses.values()].reduce((n, h) => n + h.ports.length, 0) + HUB_PORTS * all.filter((d) => d.kind === 'hub').length;
  const placed = (d: UsbDevice): boolean => d.address?.type === 'usb' && d.address.port !== undefined;
  for (const d of all.filter(placed)) {
    const at = { bus: d.address!.bus ?? 0, port: d.address!.port! };
    reserve(buses, at, d.kind === 'hub');
    ports.set(d.xml!, at);
  }
  if (all.length > available) {
    const needed = Math.ceil((all.length - available + 1) / (HUB_PORTS - 1));
    for (let i = 0; i < needed; i++) newHubs.push(assign(buses, true));
  }
  for (const d of all.filter((x) => !placed(x))) ports.set(d.xml!, assign(buses, d.kind === 'hub'));
  return { ports, newHubs };
}
