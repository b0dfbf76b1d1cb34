import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import { deviceElement, parseDevice, type DomainDevice } from './devices/index.js';
import type { DeviceOf } from './device-edit.js';

type Hostdev = DeviceOf<'hostdev'>;

/** Units on one narrow SCSI controller (libvirt's default mapping). */
const SCSI_UNITS = 7;

/** The SCSI drive addresses (controller, unit) already taken by disks and host devices. */
function takenScsiUnits(devices: readonly DomainDevice[]): Set<string> {
  const taken = new Set<string>();
  for (const d of devices) {
    const scsi = (d.kind === 'disk' && d.target?.bus === 'scsi') || (d.kind === 'hostdev' && d.type === 'scsi');
    if (scsi && d.address?.type === 'drive') taken.add(`${d.address.controller ?? 0} ${d.address.unit ?? 0}`);
  }
  return taken;
}

/** A SCSI host device without an address takes the first free unit, controller by controller. */
function scsiHostdevAddress(dev: Hostdev, taken: Set<string>): Hostdev {
  for (let n = 0; ; n++) {
    const controller = Math.floor(n / SCSI_UNITS);
    const unit = n % SCSI_UNITS;
    if (taken.has(`${controller} ${unit}`)) continue;
    taken.add(`${controller} ${unit}`);
    return { ...dev, address: { type: 'drive', controller, bus: 0, target: 0, unit } };
  }
}

/** libvirt refuses a host device given twice (the same source). */
function checkHostdevsUnique(devices: readonly DomainDevice[]): void {
  const sources = new Set<string>();
  for (const d of devices) {
    if (d.kind !== 'hostdev') continue;
    const key = JSON.stringify([d.mode, d.type, d.source]);
    if (sources.has(key)) throw new VirError(ErrorCode.XML_ERROR, 'Hostdev already exists in the domain configuration', ErrorDomain.DOMAIN);
    sources.add(key);
  }
}

/**
 * libvirt's generic defaults and checks for host devices, watchdogs and USB redirection: no
 * host device twice; a subsystem host device is unmanaged unless it says so, and a SCSI one gets
 * a drive address; a watchdog resets the guest; redirected USB devices need a USB controller.
 */
export function otherDeviceDefaults(devices: readonly XmlElement[]): XmlElement[] {
  const typed = mapPacked(devices, (el) => parseDevice(el));
  const present = typed.filter((d): d is DomainDevice => d !== undefined);
  const usb = present.some((d) => d.kind === 'controller' && d.type === 'usb' && d.model !== 'none');
  if (!usb && present.some((d) => d.kind === 'redirdev' && d.bus === 'usb')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'cannot add redirected USB device: USB is disabled for this domain', ErrorDomain.DOMAIN);
  }
  checkHostdevsUnique(present);
  const taken = takenScsiUnits(present);
  return mapPacked(devices, (el, i) => {
    const d = typed[i];
    if (d?.kind === 'watchdog' && d.action === undefined) return deviceElement({ ...d, action: 'reset' });
    if (d?.kind !== 'hostdev' || d.mode !== 'subsystem') return el;
    const dev: Hostdev = { ...d, managed: d.managed ?? false };
    return deviceElement(dev.type === 'scsi' && dev.address === undefined ? scsiHostdevAddress(dev, taken) : dev);
  });
}
