import { attr, element, firstChild, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskBus } from '../devices/disk-view.js';

/** A guest PCI address on the root bus or a bridge. */
export interface PciAddress {
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

/** The PCI `<address>` of a device element, when it has one. */
export function pciAddressOf(el: XmlElement): PciAddress | undefined {
  const a = firstChild(el, 'address');
  if (!a || attr(a, 'type') !== 'pci') return undefined;
  const n = (k: string): number => Number(attr(a, k) ?? 0);
  return { bus: n('bus'), slot: n('slot'), fn: n('function') };
}

/** QEMU's `bus` and `addr` properties for a PCI address (none when QEMU is to choose). */
export function pciProps(a: PciAddress | undefined): Record<string, string> {
  if (!a) return {};
  const addr = `0x${a.slot.toString(16)}${a.fn ? `.0x${a.fn.toString(16)}` : ''}`;
  return { bus: `pci.${a.bus}`, addr };
}

const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;

function pciAddressElement(a: PciAddress): XmlElement {
  return element('address', [
    ['type', 'pci'], ['domain', '0x0000'], ['bus', hex(a.bus, 2)], ['slot', hex(a.slot, 2)], ['function', hex(a.fn, 1)],
  ]);
}

/** Whether a device element sits on the PCI bus in this driver's model of a PC. */
function wantsPci(el: XmlElement): boolean {
  switch (el.name) {
    case 'disk':
      return diskBus(el) === 'virtio';
    case 'controller': {
      const type = attr(el, 'type');
      const model = attr(el, 'model');
      if (type === 'scsi') return model === undefined || model === 'virtio-scsi' || model === 'lsilogic';
      if (type === 'usb') return model !== undefined && model !== 'none' && model !== 'piix3-uhci';
      return type === 'virtio-serial';
    }
    case 'interface':
      return true;
    case 'memballoon':
      return (attr(el, 'model') ?? 'virtio') === 'virtio';
    case 'video':
      return (firstChild(el, 'model') && attr(firstChild(el, 'model')!, 'type')) !== 'none';
    case 'sound':
      return attr(el, 'model') !== 'pcspk';
    case 'rng':
    case 'watchdog':
      return attr(el, 'model') !== 'ib700';
    default:
      return false;
  }
}

/** libvirt's order of assigning slots by device kind (the primary video card has slot 2 before all). */
const ORDER = ['interface', 'sound', 'controller', 'disk', 'hostdev', 'memballoon', 'rng', 'watchdog', 'video'];

/**
 * Gives every PCI device without an address the next free slot of bus 0, as libvirt does when a
 * domain is defined (slot 0 is the host bridge, slot 1 the PIIX3 south bridge). The elements are
 * changed in place.
 */
export function assignPciAddresses(devices: readonly XmlElement[]): void {
  const used = new Set<number>([0, 1]);
  for (const el of devices) {
    const a = pciAddressOf(el);
    if (a && a.bus === 0) used.add(a.slot);
  }
  const pending = devices.filter((el) => wantsPci(el) && !firstChild(el, 'address'));
  // The PIIX3 machine keeps slot 2 for the primary video card.
  const primaryVideo = devices.find((el) => el.name === 'video');
  if (primaryVideo && pending.includes(primaryVideo) && !used.has(2)) {
    used.add(2);
    primaryVideo.children.push(pciAddressElement({ bus: 0, slot: 2, fn: 0 }));
    pending.splice(pending.indexOf(primaryVideo), 1);
  }
  pending.sort((x, y) => ORDER.indexOf(x.name) - ORDER.indexOf(y.name));
  let slot = 2;
  for (const el of pending) {
    while (used.has(slot)) slot++;
    if (slot > 31) throw new VirError(ErrorCode.INTERNAL_ERROR, 'No more available PCI slots', ErrorDomain.QEMU);
    used.add(slot);
    el.children.push(pciAddressElement({ bus: 0, slot, fn: 0 }));
  }
}
