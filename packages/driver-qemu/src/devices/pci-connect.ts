import type { DomainDevice } from '@tsvirt/conf';
import { diskBus } from './qemu-disk.js';
import { Connect, controllerConnect, isPciModel } from './pci-bus.js';

const PCI = Connect.PCI_DEVICE | Connect.AUTO;

const USB_PCIE = new Set(['nec-xhci', 'qemu-xhci']);
const USB_PCI = new Set(['piix3-uhci', 'piix4-uhci', 'ehci', 'ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3', 'vt82c686b-uhci', 'pci-ohci']);
const SCSI_VIRTIO = new Set(['virtio-scsi', 'virtio-non-transitional']);
const SCSI_PCI = new Set(['virtio-transitional', 'auto', 'buslogic', 'lsilogic', 'lsisas1068', 'vmpvscsi', 'ibmvscsi', 'lsisas1078', 'dc390', 'am53c974']);

/**
 * How a device connects to PCI on this machine, or 0 when it does not: PCI Express on a machine
 * with a pcie-root (virtio too, since QEMU 7.2 has non-transitional virtio), conventional PCI for
 * the legacy models and anything `transitional`.
 */
export function pciConnectFlags(dev: DomainDevice, pcieRoot: boolean): number {
  const pcie = (pcieRoot ? Connect.PCIE_DEVICE : Connect.PCI_DEVICE) | Connect.AUTO;
  const virtio = (model: string | undefined): number => (model === 'virtio-transitional' ? PCI : pcie);
  switch (dev.kind) {
    case 'controller': {
      const model = dev.model;
      switch (dev.type) {
        case 'pci':
          return isPciModel(model) ? controllerConnect(model) : 0;
        case 'sata':
        case 'ide':
          return PCI;
        case 'usb':
          if (model === undefined) return PCI;
          return USB_PCIE.has(model) ? pcie : USB_PCI.has(model) ? PCI : 0;
        case 'scsi':
          return model !== undefined && SCSI_VIRTIO.has(model) ? pcie : model !== undefined && SCSI_PCI.has(model) ? PCI : 0;
        case 'virtio-serial':
          return virtio(model);
        default:
          return 0;
      }
    }
    case 'filesystem': {
      const driver = dev.driver?.type;
      if (driver === 'virtiofs') return pcie;
      return driver === undefined || driver === 'path' || driver === 'handle' ? virtio(dev.model) : 0;
    }
    case 'interface': {
      if (dev.type === 'hostdev' || dev.model === 'usb-net') return 0;
      const model = dev.model;
      if (model === 'virtio' || model === 'virtio-non-transitional' || model === 'virtio-transitional') return virtio(model);
      // No model means rtl8139, libvirt's default NIC for x86.
      return model === 'e1000e' || model === 'igb' ? pcie : PCI;
    }
    case 'sound':
      return dev.model === 'es1370' || dev.model === 'ac97' || dev.model === 'ich6' || dev.model === 'ich9' ? PCI : 0;
    case 'disk':
      return diskBus(dev) === 'virtio' ? virtio(dev.model) : 0;
    case 'hostdev': {
      if (dev.mode === 'capabilities') return 0;
      if (dev.type === 'scsi_host') return virtio(dev.model);
      return dev.type === 'pci' || dev.type === 'mdev' ? pcie : 0;
    }
    case 'memballoon':
      return dev.model === undefined || dev.model === 'xen' || dev.model === 'none' ? 0 : virtio(dev.model);
    case 'rng':
    case 'vsock':
      return virtio(dev.model);
    case 'watchdog':
      return dev.model === 'i6300esb' ? PCI : 0;
    case 'video': {
      const type = dev.model?.type ?? 'cirrus';
      if (type === 'virtio') return pcie;
      if (type === 'bochs') return pcie;
      return type === 'none' || type === 'ramfb' || type === 'gop' ? 0 : PCI;
    }
    case 'shmem':
      return PCI;
    case 'input':
      return dev.bus === 'virtio' ? virtio(dev.model) : 0;
    case 'serial':
      return dev.target?.type === 'pci-serial' ? PCI : 0;
    case 'iommu':
      return dev.model === 'virtio' ? pcie | Connect.INTEGRATED : 0;
    case 'memory':
      return dev.model === 'virtio-pmem' || dev.model === 'virtio-mem' ? pcie : 0;
    case 'crypto':
      return PCI;
    default:
      return 0;
  }
}
