import type { XmlElement } from '../xml/xml-node.js';
import { deviceElement, parseDevice, type DomainDevice } from './devices/index.js';
import { newDevice, type DeviceOf } from './device-edit.js';

type ControllerType = NonNullable<DeviceOf<'controller'>['type']>;

/** The drive controller a device sits on, by the controller type it needs; undefined when none. */
function driveController(dev: DeviceOf<'disk'> | DeviceOf<'hostdev'>): [ControllerType, number] | undefined {
  if (dev.address?.type !== 'drive') return undefined;
  const controller = dev.address.controller ?? 0;
  if (dev.kind === 'disk') {
    const bus = dev.target?.bus;
    return bus === 'ide' || bus === 'fdc' || bus === 'scsi' || bus === 'sata' ? [bus, controller] : undefined;
  }
  return dev.type === 'scsi' ? ['scsi', controller] : undefined;
}

/** Whether a character device talks over virtio-serial (a virtio channel or console). */
const onVirtioSerial = (dev: DomainDevice): boolean =>
  (dev.kind === 'channel' || dev.kind === 'console') && dev.target?.type === 'virtio';

/**
 * The controllers libvirt's generic post-parse adds: for every drive controller a disk (then a
 * SCSI host device) sits on, each index from 0 to the highest used of its type; a virtio-serial
 * controller for virtio channels and consoles. Each missing one is appended after the devices,
 * in libvirt's order of types (SCSI, floppy, IDE, SATA, virtio-serial).
 */
export function addImplicitControllers(devices: readonly XmlElement[]): XmlElement[] {
  // Indexed loops: this runs once per definition, mostly before V8 has optimised it.
  const highest = new Map<ControllerType, number>();
  const need = (at: readonly [ControllerType, number] | undefined): void => {
    if (at) highest.set(at[0], Math.max(highest.get(at[0]) ?? -1, at[1]));
  };
  const have = new Set<string>();
  for (let i = 0; i < devices.length; i++) {
    const d = parseDevice(devices[i]!);
    if (d === undefined) continue;
    if (d.kind === 'disk' || d.kind === 'hostdev') need(driveController(d));
    else if (d.kind === 'controller') have.add(`${d.type} ${d.index ?? 0}`);
    if (onVirtioSerial(d)) need(['virtio-serial', 0]);
  }
  const added: XmlElement[] = [];
  for (const type of ['scsi', 'fdc', 'ide', 'sata', 'virtio-serial'] as const) {
    for (let index = 0; index <= (highest.get(type) ?? -1); index++) {
      if (!have.has(`${type} ${index}`)) added.push(deviceElement(newDevice('controller', { type, index })));
    }
  }
  return [...devices, ...added];
}
