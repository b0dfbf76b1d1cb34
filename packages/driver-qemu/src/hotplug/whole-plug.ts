import { DomainEventID } from '@tsvirt/api';
import { deviceElement, formatDomainXML, parseDevice, parseDomainXML, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { controllerArgs } from '../command/device-args.js';
import { assignPciAddresses } from '../command/pci-address.js';
import { inputArgs, rngArgs } from '../command/virtio-args.js';
import { watchdogArgs } from '../command/watchdog-args.js';
import { controllerDefaultAlias, nextAliasIndex, withDeviceAliases } from '../devices/device-aliases.js';
import { devicesOf } from '../devices/typed-devices.js';
import { assignUsbAddresses } from '../devices/usb-addresses.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;

/** The kinds plugged live here (beside disks, hostdevs, interfaces and memory). */
export const isPluggedWhole = (name: string): boolean => ['input', 'watchdog', 'rng', 'controller'].includes(name);

/** libvirt's refusals before a live attach of `el` to `def` (qemuDomainAttachDeviceLive's checks). */
function refuse(def: DomainDef, el: XmlElement): void {
  const dev = parseDevice(el);
  if (dev?.kind === 'input' && dev.bus !== 'usb' && dev.bus !== 'virtio') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `input device on bus '${dev.bus ?? 'ps2'}' cannot be hot plugged.`, D);
  }
  if (dev?.kind === 'watchdog' && devicesOf(def.devices, 'watchdog').length > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain already has a watchdog', D);
  if (dev?.kind === 'controller') {
    if (dev.type !== 'scsi') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `'${dev.type}' controller cannot be hot plugged.`, D);
    const index = dev.index ?? 0;
    if (devicesOf(def.devices, 'controller').some((c) => c.type === 'scsi' && (c.index ?? 0) === index)) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `target scsi:${index} already exists`, D);
    }
  }
  if (dev?.kind === 'rng' && dev.backend?.model === 'egd') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "live attach of an 'egd' RNG backend is not supported by this driver yet", D);
}

/** The alias libvirt gives a device plugged live: a user alias kept, else one past the highest of its kind (a controller: type and index). */
function plugAlias(def: DomainDef, el: XmlElement): string {
  const dev = parseDevice(el) as { kind: string; alias?: string; type?: string; index?: number };
  if (dev.alias?.startsWith('ua-')) return dev.alias;
  if (dev.kind === 'controller') return controllerDefaultAlias({ kind: 'controller', type: 'scsi', index: dev.index ?? 0 }, def.os.machine);
  if (dev.kind === 'watchdog') return 'watchdog0';
  const taken = def.devices.filter((x) => x.name === dev.kind).map((x) => (parseDevice(x) as { alias?: string }).alias);
  return `${dev.kind}${nextAliasIndex(taken, dev.kind)}`;
}

/** The new element after the last of its kind (libvirt keeps each kind in its own list). */
function insert(def: DomainDef, el: XmlElement): void {
  const last = def.devices.map((x) => x.name).lastIndexOf(el.name);
  def.devices.splice(last < 0 ? def.devices.length : last + 1, 0, el);
}

/** The command line's `-object` and `-device` of the device with `alias`, as QMP arguments. */
function qemuParts(def: DomainDef, kind: string, alias: string): { object?: Record<string, unknown>; device: Record<string, unknown> } {
  const args = kind === 'input' ? inputArgs(def.devices) : kind === 'rng' ? rngArgs(def.devices, undefined) : kind === 'watchdog' ? watchdogArgs(def.devices) : controllerArgs(def.devices);
  const parsed = args.flatMap((a, i) => (args[i - 1] === '-object' || args[i - 1] === '-device' ? [{ opt: args[i - 1], props: JSON.parse(a) as Record<string, unknown> }] : []));
  const device = parsed.find((p) => p.opt === '-device' && p.props['id'] === alias)?.props;
  if (!device) throw new VirError(ErrorCode.INTERNAL_ERROR, `no QEMU device for '${alias}'`, D);
  const object = parsed.find((p) => p.opt === '-object' && p.props['id'] === `obj${alias}`)?.props;
  return { device, ...(object ? { object } : {}) };
}

/**
 * Plugs an input (USB or virtio), the watchdog, an RNG or a SCSI controller into a running
 * domain as libvirt does: its alias and addresses given, the RNG's backend object-added, then
 * device_add (a watchdog's action set with watchdog-set-action); a failure deletes what was
 * made. The live XML gains the device and DEVICE_ADDED is raised with its alias.
 */
export async function plugWhole(drv: DriverContext, status: ActiveStatus, given: XmlElement): Promise<void> {
  const def = withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH }));
  refuse(def, given);
  const alias = plugAlias(def, given);
  const typed = parseDevice(structuredClone(given))!;
  insert(def, deviceElement({ ...typed, alias } as DomainDevice));
  assignPciAddresses(def.devices, def.os.machine, true);
  assignUsbAddresses(def);
  const { object, device } = qemuParts(def, given.name, alias);
  const action = typed.kind === 'watchdog' ? (typed.action === 'dump' ? 'pause' : (typed.action ?? 'reset')) : undefined;
  await withMonitor(status, async (mon) => {
    if (object) await mon.execute('object-add', object);
    try {
      await mon.execute('device_add', device);
    } catch (e) {
      if (object) await mon.execute('object-del', { id: object['id'] }).catch(() => undefined);
      throw e;
    }
    if (action) await mon.execute('watchdog-set-action', { action });
  });
  status.xml = formatDomainXML(def, { id: status.id });
  await writeStatus(drv.paths, status);
  drv.events.raiseOther({ eventID: DomainEventID.DEVICE_ADDED, domain: { name: status.name, uuid: status.uuid, id: status.id }, devAlias: alias });
}

