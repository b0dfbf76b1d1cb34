import { formatDomainXML, parseDomainXML, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { assignPciAddresses } from '../command/pci-address.js';
import { diskOfElement, disksOf } from '../devices/qemu-disk.js';
import type { DriverContext } from '../driver/driver-context.js';
import { hasDiskTarget } from '../driver/domain-define.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { refuseTakenAlias } from './device-alias.js';
import { refuseUsbWithoutBus } from './usb-disabled.js';
import { raiseDeviceAdded } from './device-added.js';
import { attachDiskConfig, attachDiskLive, detachDiskLive, findDisk } from './disk-hotplug.js';
import { attachInterfaceLive, detachInterfaceLive } from './interface-hotplug.js';
import { attachHostdevLive, changeHostdevConfig, detachHostdevLive } from './hostdev-hotplug.js';
import { isWholeKind } from './whole-device-find.js';
import { detachWholeLive } from './whole-unplug.js';
import { isPluggedWhole, plugWhole } from './whole-plug.js';
import { attachWholeConfig } from './config-attach.js';
import { detachWholeConfigByXml, removedWhole } from './config-detach.js';
import { attachMemoryConfig, attachMemoryLive, detachMemoryConfig, detachMemoryLive } from '../memdev/memory-hotplug.js';

const D = ErrorDomain.QEMU;

/** The device kinds hotplug handles so far; others are refused by name, in libvirt's words for the operation. */
function requireDisk(el: XmlElement, live: boolean, op: 'attach' | 'detach'): void {
  if (el.name !== 'disk') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `${live ? 'live' : 'persistent'} ${op} of device '${el.name}' is not supported`, D);
  }
}

/** libvirt 9.0's QEMU driver refuses every smartcard attach, live or not, for want of a QEMU capability. */
function refuseSmartcard(el: XmlElement): void {
  if (el.name === 'smartcard') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'this QEMU binary lacks multiple smartcard support', D);
}

/** Adds or removes a device in a domain's persistent definition. */
export async function configChange(drv: DriverContext, d: StoredDomain, el: XmlElement, op: 'attach' | 'detach'): Promise<void | (() => Promise<void>)> {
  if (el.name === 'memory') return (op === 'attach' ? attachMemoryConfig : detachMemoryConfig)(drv, d, el);
  if (op === 'attach') {
    refuseSmartcard(el);
    refuseTakenAlias(d.persistentDef!, el);
    refuseUsbWithoutBus(d.persistentDef!, el);
  }
  if (op === 'attach' && (isPluggedWhole(el.name) || el.name === 'sound')) return attachWholeConfig(drv, d, el);
  if (op === 'detach' && removedWhole(el)) return detachWholeConfigByXml(drv, d, el);
  const def = d.persistentDef!;
  if (el.name === 'hostdev') {
    changeHostdevConfig(def, structuredClone(el), op);
    assignPciAddresses(def.devices);
    await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
    return;
  }
  requireDisk(el, false, op);
  const view = diskOfElement(el);
  if (op === 'attach') {
    if (hasDiskTarget(def, view.target)) throw new VirError(ErrorCode.OPERATION_INVALID, `target ${view.target} already exists`, D);
    attachDiskConfig(def, structuredClone(el));
  } else {
    const found = findDisk(def.devices, view);
    def.devices = def.devices.filter((x) => x !== found.disk.xml);
  }
  await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/** Plugs or unplugs a device of a running domain. */
export async function liveChange(drv: DriverContext, status: ActiveStatus, el: XmlElement, op: 'attach' | 'detach'): Promise<void> {
  if (op === 'attach') {
    refuseSmartcard(el);
    const live = parseDomainXML(status.xml, { arch: GUEST_ARCH });
    refuseTakenAlias(live, el);
    refuseUsbWithoutBus(live, el);
  }
  if (el.name === 'memory') {
    await (op === 'attach' ? attachMemoryLive : detachMemoryLive)(drv, status, el);
    return;
  }
  if (el.name === 'interface') {
    await (op === 'attach' ? attachInterfaceLive : detachInterfaceLive)(drv, status, el);
    return;
  }
  if (el.name === 'hostdev') {
    await (op === 'attach' ? attachHostdevLive : detachHostdevLive)(drv, status, structuredClone(el));
    return;
  }
  if (op === 'detach' && isWholeKind(el.name)) {
    await detachWholeLive(drv, status, el);
    return;
  }
  if (op === 'attach' && isPluggedWhole(el.name)) {
    await plugWhole(drv, status, el);
    return;
  }
  requireDisk(el, true, op);
  if (op === 'attach') {
    await attachDiskLive(drv, status, structuredClone(el));
    const target = diskOfElement(el).target;
    const alias = disksOf(parseDomainXML(status.xml, { arch: GUEST_ARCH }).devices).find((d) => d.target === target)?.alias;
    if (alias !== undefined) raiseDeviceAdded(drv, status, alias);
  } else await detachDiskLive(drv, status, diskOfElement(el));
}
