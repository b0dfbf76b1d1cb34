import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { addressString, compatible, Connect, newBus, type PciAddress, type PciBus, type PciModel } from './pci-bus.js';

const internal = (msg: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, msg, ErrorDomain.DOMAIN);
const xmlError = (fromConfig: boolean, msg: string): VirError =>
  new VirError(fromConfig ? ErrorCode.XML_ERROR : ErrorCode.INTERNAL_ERROR, msg, ErrorDomain.DOMAIN);

/**
 * The guest's PCI buses and the functions taken on them. A dry run (the first of libvirt's two
 * passes) adds buses when no slot fits, to learn which controllers the domain needs.
 */
export class PciAddressSet {
  constructor(
    readonly buses: PciBus[],
    readonly dryRun: boolean,
  ) {}

  slotInUse(a: PciAddress): boolean {
    return (this.buses[a.bus]?.functions[a.slot] ?? 0) !== 0;
  }

  /** Whether every slot of every bus has a function taken (no room left without a new bus). */
  fullyReserved(): boolean {
    return this.buses.every((b) => b.functions.slice(b.minSlot, b.maxSlot + 1).every((f) => f !== 0));
  }

  /** Checks an address against its bus: in range, and a bus that takes this kind of device. */
  validate(a: PciAddress, flags: number, fromConfig: boolean): void {
    if (this.buses.length === 0) throw xmlError(fromConfig, 'No PCI buses available');
    const s = addressString(a);
    const bus = this.buses[a.bus];
    if (!bus) throw xmlError(fromConfig, `Invalid PCI address ${s}. Only PCI buses up to ${this.buses.length - 1} are available`);
    compatible(a, bus.flags, flags, fromConfig);
    if (bus.minSlot && a.slot < bus.minSlot) throw xmlError(fromConfig, `Invalid PCI address ${s}. slot must be >= ${bus.minSlot}`);
    if (a.slot > bus.maxSlot) throw xmlError(fromConfig, `Invalid PCI address ${s}. slot must be <= ${bus.maxSlot}`);
    if (a.fn > 7) throw xmlError(fromConfig, `Invalid PCI address ${s}. function must be <= 7`);
  }

  /** Takes one function of a slot (growing the buses first in a dry run). */
  reserve(a: PciAddress, flags: number, fromConfig: boolean): void {
    if (this.dryRun) this.grow(a, flags);
    this.validate(a, flags, fromConfig);
    const bus = this.buses[a.bus]!;
    if (bus.functions[a.slot]! & (1 << a.fn)) throw xmlError(fromConfig, `Attempted double use of PCI Address ${addressString(a)}`);
    if (bus.functions[a.slot] === 0 && flags & Connect.AGGREGATE) bus.aggregate[a.slot] = true;
    bus.functions[a.slot]! |= 1 << a.fn;
  }

  /** Takes the first free place for a device: a free slot, or a free function of a slot shared by its kind. */
  reserveNext(flags: number, fn = -1): PciAddress {
    const a = this.nextAddress(flags, fn);
    this.reserve(a, flags, false);
    return a;
  }

  private nextAddress(flags: number, fn: number): PciAddress {
    if (this.buses.length === 0) throw new VirError(ErrorCode.XML_ERROR, 'No PCI buses available', ErrorDomain.DOMAIN);
    const want = fn < 0 ? 0 : fn;
    for (let b = 0; b < this.buses.length; b++) {
      const found = this.freeOnBus(b, flags, want, fn < 0);
      if (found) return found;
    }
    if (!this.dryRun) throw internal('No more available PCI slots');
    const a = { bus: this.buses.length, slot: 0, fn: want };
    const grown = this.grow(a, flags);
    return { ...grown, slot: this.buses[grown.bus]!.minSlot };
  }

  private freeOnBus(b: number, flags: number, fn: number, anyFunction: boolean): PciAddress | undefined {
    const bus = this.buses[b]!;
    if (!compatible({ bus: b, slot: bus.minSlot, fn }, bus.flags, flags, undefined)) return undefined;
    for (let slot = bus.minSlot; slot <= bus.maxSlot; slot++) {
      const used = bus.functions[slot]!;
      if (used === 0) return { bus: b, slot, fn };
      if (!(flags & Connect.AGGREGATE) || !bus.aggregate[slot]) continue;
      if (!(used & (1 << fn))) return { bus: b, slot, fn };
      if (anyFunction) {
        for (let f = 0; f < 8; f++) if (!(used & (1 << f))) return { bus: b, slot, fn: f };
      }
    }
    return undefined;
  }

  /**
   * Adds the buses an address past the last one needs, of the model that takes the device: a
   * pcie-root-port for PCIe devices, a pci-bridge for PCI ones (behind a pcie-root-port and a
   * pcie-to-pci-bridge when the guest has no PCI bus yet). Returns the address, moved past the
   * extra bridge when one was added.
   */
  private grow(a: PciAddress, flags: number): PciAddress {
    let add = a.bus - this.buses.length + 1;
    if (add <= 0) return a;
    let model: PciModel;
    let needPcieToPci = false;
    let bump = false;
    if (flags & Connect.PCI_DEVICE) {
      model = 'pci-bridge';
      needPcieToPci = !this.buses.some((b) => b.flags & Connect.PCI_BRIDGE);
      bump = needPcieToPci && add === 1;
      if (bump) add++;
    } else if (flags & (Connect.PCIE_DEVICE | Connect.SWITCH_UPSTREAM)) {
      model = 'pcie-root-port';
    } else {
      throw internal(`Cannot automatically add a new PCI bus for a device with connect flags ${(flags & 0xff).toString(16).padStart(2, '0')}`);
    }
    let left = add;
    if (needPcieToPci) {
      // The root port added for the bridge takes only the bridge, so it is not used for anything else.
      const port = newBus('pcie-root-port');
      port.flags = Connect.PCIE_TO_PCI_BRIDGE;
      this.buses.push(port, newBus('pcie-to-pci-bridge'));
      left -= 2;
    }
    for (; left > 0; left--) this.buses.push(newBus(model));
    return bump ? { ...a, bus: a.bus + 1 } : a;
  }
}
