import type { DomainDef } from './domain-def.js';
import { applyConsoleCompat } from './console-compat.js';
import { placeDisks } from './disk-placement.js';
import { addImplicitControllers } from './implicit-controllers.js';
import { parseMemoryDevices } from './memory-devices.js';
import { otherDeviceDefaults } from './other-device-defaults.js';

/**
 * A definition as libvirt's driver-neutral parse and post-parse leave it for a driver that adds
 * nothing of its own (the test driver): disks in parse order with buses, drive addresses and
 * read-only CD-ROMs; serial ports, parallel ports and consoles numbered and paired; memory device
 * sizes in KiB; host devices, watchdogs and USB redirection checked and completed; then the
 * controllers those devices need. Drivers with rules of their own (QEMU) apply their own.
 */
export function applyGenericPostParse(def: DomainDef): DomainDef {
  let devices = parseMemoryDevices(def.devices);
  devices = placeDisks(devices);
  devices = otherDeviceDefaults(devices);
  devices = applyConsoleCompat(devices, def.os.type === 'hvm');
  devices = addImplicitControllers(devices);
  return { ...def, devices };
}
