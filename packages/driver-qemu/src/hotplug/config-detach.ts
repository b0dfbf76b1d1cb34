import { formatDomainXML, parseDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { assignPciAddresses } from '../command/pci-address.js';
import { devicesOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { applyQemuDefaults, consolePorts } from '../driver/qemu-defaults.js';
import { currentDef, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { findConfigDevice } from './config-device-find.js';
import { consoleToFind } from './console-port.js';

/**
 * The kinds (beyond disks, host devices, interfaces and memory, which have their own paths) that
 * libvirt 9.0's QEMU driver removes from a persistent definition; it refuses the others by name.
 */
const REMOVABLE = new Set(['controller', 'serial', 'parallel', 'channel', 'console', 'input', 'watchdog', 'rng', 'vsock', 'shmem', 'redirdev', 'sound', 'filesystem', 'lease']);

/** libvirt's name of a device kind in its refusals (virDomainDeviceType). */
const KIND_NAME: Readonly<Record<string, string>> = { filesystem: 'fs', serial: 'chr', parallel: 'chr', channel: 'chr', console: 'chr' };

/** Whether the generic removal below handles `el`. */
export const removedWhole = (el: XmlElement): boolean => !['disk', 'hostdev', 'interface', 'memory'].includes(el.name);

/** The first console when it only mirrors the first serial port `el` (libvirt's compatibility copy), which goes with it. */
function serialConsole(def: DomainDef, el: XmlElement): XmlElement[] {
  if (def.devices.find((x) => x.name === 'serial') !== el) return [];
  const console = devicesOf(def.devices, 'console')[0];
  return console?.target?.type === 'serial' && console.xml ? [console.xml] : [];
}

/**
 * Removes the device `el` describes from the persistent definition (detach-device --config), found
 * as libvirt finds its kind, refused in libvirt's words when none matches; the kinds it refuses are
 * refused before any lookup.
 */
export function detachWholeConfigByXml(drv: DriverContext, d: StoredDomain, el: XmlElement): () => Promise<void> {
  if (!REMOVABLE.has(el.name)) return detachWholeConfig(drv, d, el);
  refuseSerialConsole(el);
  // libvirt looks in a copy read again, its consoles numbered afresh; the copy is kept when it removes one.
  const def = structuredClone(d.persistentDef!);
  consolePorts(def);
  const found = findConfigDevice(def, consoleToFind(currentDef(d), el));
  d.persistentDef!.devices = def.devices;
  return detachWholeConfig(drv, d, found);
}

/** libvirt removes a console standing for a serial port only with the port. */
function refuseSerialConsole(el: XmlElement): void {
  const asked = parseDevice(el);
  if (asked?.kind === 'console' && (asked.target?.type ?? 'serial') === 'serial') {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'detaching serial console is not supported', ErrorDomain.QEMU);
  }
}

/**
 * Removes `el` (found by its alias) from the persistent definition, as libvirt's config detach
 * does, then fills in again what a definition gets implicitly (a controller another device still
 * needs comes back without its alias, as libvirt's post-parse adds it); returns the write.
 */
export function detachWholeConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): () => Promise<void> {
  if (!REMOVABLE.has(el.name)) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `persistent detach of device '${KIND_NAME[el.name] ?? el.name}' is not supported`, ErrorDomain.QEMU);
  }
  const def = d.persistentDef!;
  const gone = new Set([el, ...serialConsole(def, el)]);
  // Written only once a live step beside it succeeded (libvirt's order).
  return async () => {
    def.devices = def.devices.filter((x) => !gone.has(x));
    applyQemuDefaults(def, false);
    assignPciAddresses(def.devices, def.os.machine);
    await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
  };
}
