import { element, parseDevice, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskBus } from '../devices/qemu-disk.js';
import type { DeviceOf } from '../devices/typed-devices.js';

/** A guest PCI address on the root bus or a bridge. */
export interface PciAddress {
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

/** A typed device that may carry a bus address (every kind of conf's but `<emulator>`). */
type Addressed = { address?: NonNullable<DeviceOf<'disk'>['address']> };

/** The PCI `<address>` of a typed device, when it has one. */
export function pciAddressOf(dev: Addressed): PciAddress | undefined {
  const a = dev.address;
  if (a?.type !== 'pci') return undefined;
  return { bus: a.bus ?? 0, slot: a.slot ?? 0, fn: a.function ?? 0 };
}

/** QEMU's `bus` and `addr` properties for a PCI address (none when QEMU is to choose). */
export function pciProps(a: PciAddress | undefined): Record<string, string> {
  if (!a) return {};
  const addr = `0x${a.slot.toString(16)}${a.fn ? `.0x${a.fn.toString(16)}` : ''}`;
  return { bus: `pci.${a.bus}`, addr };
}

const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;

/** Whether a device sits on the PCI bus in this driver's model of a PC. */
function wantsPci(dev: DomainDevice): boolean {
  switch (dev.kind) {
    case 'disk':
      return diskBus(dev) === 'virtio';
    case 'controller': {
      const { type, model } = dev;
      if (type === 'scsi') return model === undefined || model === 'virtio-scsi' || model === 'lsilogic';
      if (type === 'usb') return model !== undefined && model !== 'none' && model !== 'piix3-uhci';
      return type === 'virtio-serial';
    }
    case 'interface':
      return true;
    case 'memballoon':
      return (dev.model ?? 'virtio') === 'virtio';
    case 'video':
      return dev.model?.type !== 'none';
    case 'sound':
      return dev.model !== 'pcspk';
    case 'rng':
      return true;
    case 'watchdog':
      return dev.model !== 'ib700';
    default:
      return false;
  }
}

/** libvirt's order of assigning slots by device kind (the primary video card has slot 2 before all). */
const ORDER = ['interface', 'sound', 'controller', 'disk', 'hostdev', 'memballoon', 'rng', 'watchdog', 'video'];

/**
 * Gives every PCI device without an address the next free slot of bus 0, as libvirt does when a
 * domain is defined (slot 0 is the host bridge, slot 1 the PIIX3 south bridge). The devices' elements
 * are changed in place.
 */
export function assignPciAddresses(devices: readonly XmlElement[]): void {
  const typed = devices.map(parseDevice).filter((d): d is DomainDevice & Addressed => d !== undefined && d.kind !== 'emulator');
  const used = new Set<number>([0, 1]);
  for (const d of typed) {
    const a = pciAddressOf(d);
    if (a && a.bus === 0) used.add(a.slot);
  }
  const pending = typed.filter((d) => wantsPci(d) && !d.address);
  const place = (d: DomainDevice & Addressed, slot: number): void => {
    used.add(slot);
    // Written as an element: libvirt spells PCI addresses in fixed-width hex, which conf's address model does not encode.
    d.xml!.children.push(element('address', [['type', 'pci'], ['domain', '0x0000'], ['bus', '0x00'], ['slot', hex(slot, 2)], ['function', '0x0']]));
  };
  // The PIIX3 machine keeps slot 2 for the primary video card.
  const primaryVideo = typed.find((d) => d.kind === 'video');
  if (primaryVideo && pending.includes(primaryVideo) && !used.has(2)) {
    place(primaryVideo, 2);
    pending.splice(pending.indexOf(primaryVideo), 1);
  }
  pending.sort((x, y) => ORDER.indexOf(x.kind) - ORDER.indexOf(y.kind));
  let slot = 2;
  for (const d of pending) {
    while (used.has(slot)) slot++;
    if (slot > 31) throw new VirError(ErrorCode.INTERNAL_ERROR, 'No more available PCI slots', ErrorDomain.QEMU);
    place(d, slot);
  }
}
