import { addDevice, domainPart, formatDomainXML, parseDomainXML, toKiB, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { DomainEventID } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { memoryModuleArgs } from '../command/memory-device-args.js';
import { assignPciAddresses } from '../command/pci-address.js';
import { devicesOf, typedDevice, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { unplugLive } from '../hotplug/disk-hotplug.js';
import { hugepageContext } from '../process/hugetlbfs.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { freeDimmSlot, takesSlot } from './memory-defaults.js';
import { followBalloon, liveModule, type QemuMemoryDevice } from './memory-live.js';
import { memoryInKiB, validateMemoryDevice } from './memory-validate.js';

type MemoryDevice = DeviceOf<'memory'>;

const D = ErrorDomain.QEMU;
const sizeOf = (m: MemoryDevice): number => m.target?.size ?? 0;

/** The memory device given to attach or detach, parsed and checked as libvirt parses it against `def`. */
function askedDevice(def: DomainDef, el: XmlElement): MemoryDevice {
  const asked = memoryInKiB(typedDevice(el, 'memory'));
  validateMemoryDevice(def, asked);
  return asked;
}

/** The memory device a detach names: parsed with its sizes in KiB, not checked (libvirt does not validate it). */
const detachedDevice = (el: XmlElement): MemoryDevice => memoryInKiB(typedDevice(el, 'memory'));

/**
 * libvirt's lookup of a memory device by definition: address and alias when given, model, node
 * and size, then what the model adds; `missing` is the refusal when none matches.
 */
function findMemory(def: DomainDef, asked: MemoryDevice, missing: string): MemoryDevice {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const found = devicesOf(def.devices, 'memory').map(memoryInKiB).find((m) => {
    if (asked.address?.type !== undefined && !same(m.address, asked.address)) return false;
    if (asked.alias !== undefined && m.alias !== asked.alias) return false;
    if (m.model !== asked.model || m.target?.node !== asked.target?.node || sizeOf(m) !== sizeOf(asked)) return false;
    switch (asked.model) {
      case 'virtio-mem':
        return (m.source?.nodemask ?? '') === (asked.source?.nodemask ?? '') && m.target?.block === asked.target?.block && (m.target?.requested ?? 0) === (asked.target?.requested ?? 0);
      case 'nvdimm':
      case 'virtio-pmem':
        return m.source?.path === asked.source?.path;
      default:
        return (m.source?.pagesize ?? 0) === (asked.source?.pagesize ?? 0) && (m.source?.nodemask ?? '') === (asked.source?.nodemask ?? '');
    }
  });
  if (!found) throw new VirError(ErrorCode.DEVICE_MISSING, missing, D);
  return devicesOf(def.devices, 'memory').find((m) => m.xml === found.xml)!;
}

/** libvirt's checks before a module joins a definition: memory hotplug enabled, the total within `<maxMemory>`, a slot for every module (worded apart live). */
function checkRoom(def: DomainDef, m: MemoryDevice, live: boolean): void {
  const max = domainPart(def, 'maxMemory');
  if (max?.size === undefined) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "cannot use/hotplug a memory device when domain 'maxMemory' is not defined", D);
  }
  const maxKiB = toKiB(Number(max.size), max.unit ?? 'KiB');
  if (def.memoryKiB + sizeOf(m) > maxKiB) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Attaching memory device with size '${sizeOf(m)}' would exceed domain's maxMemory config size '${maxKiB}'`, D);
  }
  const count = devicesOf(def.devices, 'memory').length + 1;
  const slots = max.slots ?? 0;
  if (count > slots) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, live ? `memory device count '${count}' exceeds slots count '${slots}'` : 'no free memory device slot available', D);
  }
}

/**
 * A persistent definition's memory as libvirt's parse leaves it after a device change: with NUMA
 * cells, their memory plus every module's (a size an update changed counts from now on).
 */
function recountPersistent(def: DomainDef): void {
  const cells = domainPart(def, 'cpu')?.numa?.cells ?? [];
  if (cells.length === 0) return;
  const modules = devicesOf(def.devices, 'memory').reduce((sum, m) => sum + sizeOf(memoryInKiB(m)), 0);
  def.memoryKiB = cells.reduce((sum, c) => sum + toKiB(c.memory ?? 0, c.unit), 0) + modules;
}

/**
 * `def` with the module added: a DIMM's slot and a PCI address assigned, the guest's memory grown;
 * in a persistent definition the balloon grows by as much, as libvirt's does.
 */
function withModule(def: DomainDef, m: MemoryDevice, alias: string | undefined, persistent: boolean): MemoryDevice {
  const slot = takesSlot(m) && m.address?.type !== 'dimm' ? { address: { type: 'dimm' as const, slot: freeDimmSlot(def) } } : {};
  def.devices = addDevice(def, { ...m, ...slot, alias, target: m.target && { ...m.target, current: undefined, currentUnit: undefined } }).devices;
  assignPciAddresses(def.devices);
  def.memoryKiB += sizeOf(m);
  if (persistent) recountPersistent(def);
  if (persistent) def.currentMemoryKiB += sizeOf(m);
  return devicesOf(def.devices, 'memory').find((x) => x.alias === alias && alias !== undefined) ?? devicesOf(def.devices, 'memory').at(-1)!;
}

/** `def` without the module: the guest's memory shrinks, and in a persistent definition the balloon by as much. */
function withoutModule(def: DomainDef, m: MemoryDevice, persistent: boolean): void {
  const size = sizeOf(memoryInKiB(m));
  def.devices = def.devices.filter((el) => el !== m.xml);
  def.memoryKiB -= size;
  if (!persistent) return;
  recountPersistent(def);
  def.currentMemoryKiB = Math.min(def.currentMemoryKiB - size, def.memoryKiB);
}

/** Adds a module to the persistent definition; returns the write, made once a live attach asked for with it has succeeded. */
export function attachMemoryConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): () => Promise<void> {
  const def = structuredClone(d.persistentDef!);
  const asked = askedDevice(def, el);
  checkRoom(def, asked, false);
  withModule(def, asked, asked.alias?.startsWith('ua-') ? asked.alias : undefined, true);
  return () => qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/** Removes a module from the persistent definition (found as libvirt finds it); returns the write. */
export function detachMemoryConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): () => Promise<void> {
  const def = structuredClone(d.persistentDef!);
  withoutModule(def, findMemory(def, detachedDevice(el), 'matching memory device was not found'), true);
  return () => qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/** The device id a new module gets: a DIMM's from its slot, the others one past the highest of their model. */
function newAlias(def: DomainDef, m: MemoryDevice, slot: number): string {
  const model = m.model ?? 'dimm';
  if (takesSlot(m)) return `${model}${slot}`;
  const prefix = model.replace('-', '');
  const taken = devicesOf(def.devices, 'memory').map((x) => new RegExp(`^${prefix}(\\d+)$`).exec(x.alias ?? '')?.[1]).filter((n) => n !== undefined).map(Number);
  return `${prefix}${taken.length === 0 ? 0 : Math.max(...taken) + 1}`;
}

/** The QMP commands of a module's command-line words: object-add per `-object`, device_add for its `-device`. */
function qmpCommands(args: readonly string[]): Array<{ command: 'object-add' | 'device_add'; props: Record<string, unknown> }> {
  const out: Array<{ command: 'object-add' | 'device_add'; props: Record<string, unknown> }> = [];
  for (let i = 0; i < args.length; i += 2) out.push({ command: args[i] === '-object' ? 'object-add' : 'device_add', props: JSON.parse(args[i + 1]!) as Record<string, unknown> });
  return out;
}

/**
 * Plugs a memory module into a running domain as libvirt does: its backend objects
 * (`object-add`), then the device (`device_add`; a DIMM in the first free slot, virtio-mem on a
 * free PCI slot), the live definition grown by its size and showing QEMU's view of it, and
 * DEVICE_ADDED raised. A failure deletes the objects made.
 */
export async function attachMemoryLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const asked = askedDevice(def, el);
  checkRoom(def, asked, true);
  const slot = takesSlot(asked) ? (asked.address?.type === 'dimm' ? asked.address.slot ?? freeDimmSlot(def) : freeDimmSlot(def)) : 0;
  const alias = newAlias(def, asked, slot);
  const m = withModule(def, { ...asked, ...(takesSlot(asked) ? { address: { ...asked.address, type: 'dimm', slot } } : {}) }, alias, false);
  const ctx = await hugepageContext(status.id, status.name, status.runDir);
  const commands = qmpCommands(memoryModuleArgs(def, m, alias, takesSlot(m) ? slot : undefined, ctx));
  await withMonitor(status, async (mon) => {
    const made: string[] = [];
    try {
      for (const c of commands) {
        await mon.execute(c.command, c.props);
        if (c.command === 'object-add') made.push(String(c.props['id']));
      }
    } catch (e) {
      for (const id of made.reverse()) await mon.execute('object-del', { id }).catch(() => undefined);
      throw e;
    }
    const found = await mon.execute<QemuMemoryDevice[]>('query-memory-devices');
    writeBack(def, liveModule(m, alias, found.find((q) => q.data.id === alias)));
    await followBalloon(mon, def);
  });
  status.xml = formatDomainXML(def, { id: status.id });
  await writeStatus(drv.paths, status);
  // libvirt 9.0 names the module by its backend object's id (memdimm1) in DEVICE_ADDED.
  drv.events.raiseOther({ eventID: DomainEventID.DEVICE_ADDED, domain: { name: status.name, uuid: status.uuid, id: status.id }, devAlias: `mem${alias}` });
}

/**
 * A module QEMU has removed (DEVICE_DELETED): its backend objects are deleted and it leaves the
 * live definition, whose memory shrinks by its size. Nothing when `alias` is no module.
 */
export async function forgetMemory(mon: QmpClient, status: ActiveStatus, alias: string): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const m = devicesOf(def.devices, 'memory').find((x) => x.alias === alias);
  if (!m) return;
  for (const id of [`mem${alias}`, `tc-mem${alias}`]) await mon.execute('object-del', { id }).catch(() => undefined);
  withoutModule(def, m, false);
  await followBalloon(mon, def);
  status.xml = formatDomainXML(def, { id: status.id });
  status.pendingUnplug = status.pendingUnplug.filter((a) => a !== alias);
}

/**
 * Unplugs a memory module from a running domain: `device_del` (QEMU itself refuses virtio-mem and
 * virtio-pmem, and libvirt passes its words on), then DEVICE_DELETED is awaited as for disks; a
 * DIMM needs the guest's ACPI eject, so without one its removal stays pending.
 */
export async function detachMemoryLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const asked = detachedDevice(el);
  const m = findMemory(def, asked, `model '${asked.model ?? 'dimm'}' memory device not present in the domain configuration`);
  if (m.alias === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, 'memory device has no device id in QEMU', D);
  const alias = m.alias;
  await unplugLive(drv, status, alias);
  if (status.pendingUnplug.includes(alias)) return;
  await withMonitor(status, (mon) => forgetMemory(mon, status, alias));
  await writeStatus(drv.paths, status);
}
