import { deviceElement, formatDomainXML, parseDevice, parseDomainXML, type DeviceOf, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, systemError, VirError } from '@tsvirt/util';
import { closeSync, statSync } from 'node:fs';
import { channelSocketPath } from '../command/device-args.js';
import { assignPciAddresses } from '../command/pci-address.js';
import { recordPtys, recordVirtioConsoles } from '../console/chardev-ptys.js';
import { liveAlias, withDeviceAliases } from '../devices/device-aliases.js';
import { checkWatchdogAddress } from '../devices/device-checks.js';
import { checkSpicevmc } from '../devices/spicevmc-check.js';
import { devicesOf } from '../devices/typed-devices.js';
import { assignUsbAddresses, requireUsbPort } from '../devices/usb-addresses.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { openVhostVsock, recordVsockCid, type OpenedVsock } from '../process/vhost-vsock.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { raiseDeviceAdded } from './device-added.js';
import { addFirstSerialConsole, insertByKind, withPlugDefaults } from './plug-defaults.js';
import { plugParts, type PlugParts } from './plug-parts.js';
import { matchWholeDevice } from './whole-device-find.js';

const D = ErrorDomain.QEMU;

/** The kinds plugged live here (beside disks, hostdevs, interfaces and memory). */
const PLUGGED = ['input', 'watchdog', 'rng', 'controller', 'serial', 'channel', 'console', 'shmem', 'redirdev', 'vsock'];
export const isPluggedWhole = (name: string): boolean => PLUGGED.includes(name);

const CHARDEV_KINDS = ['serial', 'parallel', 'channel', 'console'];

/** libvirt's refusals before a live attach of `el` to `def` (qemuDomainAttachDeviceLive's checks and its kinds' own). */
function refuse(def: DomainDef, el: XmlElement): void {
  const dev = parseDevice(el);
  if (dev?.kind === 'input' && dev.bus !== 'usb' && dev.bus !== 'virtio') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `input device on bus '${dev.bus ?? 'ps2'}' cannot be hot plugged.`, D);
  }
  if (dev?.kind === 'watchdog') checkWatchdogAddress(dev);
  if (dev?.kind === 'watchdog' && devicesOf(def.devices, 'watchdog').length > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain already has a watchdog', D);
  if (dev?.kind === 'vsock' && devicesOf(def.devices, 'vsock').length > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'the domain already has a vsock device', D);
  if (dev?.kind === 'controller') {
    if (dev.type !== 'scsi') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `'${dev.type}' controller cannot be hot plugged.`, D);
    const index = dev.index ?? 0;
    if (devicesOf(def.devices, 'controller').some((c) => c.type === 'scsi' && (c.index ?? 0) === index)) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `target scsi:${index} already exists`, D);
    }
  }
  if (dev?.kind === 'console' && (dev.target?.type ?? 'serial') === 'serial') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'unsupported console target type serial', D);
  if (CHARDEV_KINDS.includes(el.name) && matchWholeDevice(def, el)) throw new VirError(ErrorCode.OPERATION_INVALID, 'chardev already exists', D);
}

/**
 * libvirt makes what a chardev opens by path visible in QEMU's mount namespace before the plug, and
 * refuses one that is not there (a socket QEMU connects to, a device, a pipe); ones QEMU makes
 * itself (a socket it listens on, a file) are not looked for.
 */
function refuseMissingPath(dev: DomainDevice): void {
  if (!CHARDEV_KINDS.includes(dev.kind)) return;
  const c = dev as DeviceOf<'serial'>;
  const source = c.sources?.[0];
  const opened = (c.type === 'unix' && source?.mode === 'connect') || c.type === 'dev' || c.type === 'pipe';
  if (!opened || source?.path === undefined) return;
  try {
    statSync(source.path);
  } catch (e) {
    throw systemError(`unable to stat: ${source.path}`, e as NodeJS.ErrnoException, D);
  }
}

/** A UNIX channel without a path listens in the run directory, by its name (as at start: `recordChannels`). */
function unixChannelSource(dev: DomainDevice, runDir: string): Partial<DeviceOf<'channel'>> {
  if (dev.kind !== 'channel' || dev.type !== 'unix' || dev.target?.name === undefined || dev.sources?.some((s) => s.path !== undefined)) return {};
  return { sources: [{ mode: 'bind', path: channelSocketPath(runDir, dev.target.name) }] };
}

/**
 * Gives QEMU its parts in libvirt's order (chardev-add, object-add, a vsock's descriptor, then
 * device_add); when one fails, removes the ones given before it, newest first.
 */
async function plugInto(mon: QmpClient, parts: PlugParts, vsock: OpenedVsock | undefined): Promise<void> {
  const undo: Array<() => Promise<unknown>> = [];
  const device = { ...parts.device };
  try {
    if (parts.chardev) {
      await mon.execute('chardev-add', parts.chardev);
      undo.push(() => mon.execute('chardev-remove', { id: parts.chardev!.id }));
    }
    if (parts.object) {
      await mon.execute('object-add', parts.object);
      undo.push(() => mon.execute('object-del', { id: parts.object!['id'] }));
    }
    if (vsock) {
      const fdname = `vhostfd-${String(device['id'])}`;
      await mon.getfd(fdname, vsock.fd);
      undo.push(() => mon.execute('closefd', { fdname }));
      device['vhostfd'] = fdname;
    }
    await mon.execute('device_add', device);
  } catch (e) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw e;
  }
}

/**
 * Plugs a device of the kinds above into a running domain as libvirt does: its alias, its
 * define-time defaults and addresses given, then chardev-add (a chardev's host side, an egd RNG's
 * or a redirdev's channel), object-add (an RNG's backend, a shared memory region) and device_add
 * (a watchdog's action set with watchdog-set-action, a vsock's descriptor passed with getfd); a
 * failure removes what was made. The live XML gains the device (a pty's path read back), the
 * status is written once and DEVICE_ADDED is raised with its alias.
 */
export async function plugWhole(drv: DriverContext, status: ActiveStatus, given: XmlElement): Promise<void> {
  const def = withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH }));
  refuse(def, given);
  const alias = liveAlias(def, parseDevice(given)!);
  const typed = withPlugDefaults(withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH })), given, alias);
  const el = deviceElement({ ...typed, alias, ...unixChannelSource(typed, status.runDir) } as DomainDevice);
  insertByKind(def, el);
  if (CHARDEV_KINDS.includes(el.name) || el.name === 'redirdev') checkSpicevmc(def);
  assignPciAddresses(def.devices, def.os.machine, true);
  assignUsbAddresses(def);
  const placedEl = def.devices.find((x) => x.name === el.name && (parseDevice(x) as { alias?: string }).alias === alias)!;
  requireUsbPort(placedEl);
  const placed = parseDevice(placedEl)!;
  refuseMissingPath(placed);
  addFirstSerialConsole(def, placed);
  const vsock = placed.kind === 'vsock' ? await openVhostVsock(placed) : undefined;
  try {
    const parts = plugParts(def, placed, alias, status.runDir, vsock);
    const action = placed.kind === 'watchdog' ? (placed.action === 'dump' ? 'pause' : (placed.action ?? 'reset')) : undefined;
    await withMonitor(status, async (mon) => {
      await plugInto(mon, parts, vsock);
      if (action) await mon.execute('watchdog-set-action', { action });
      await recordPtys(mon, def);
    });
  } finally {
    if (vsock) closeSync(vsock.fd);
  }
  if (vsock) recordVsockCid(def, vsock.cid);
  recordVirtioConsoles(def);
  status.xml = formatDomainXML(def, { id: status.id });
  await writeStatus(drv.paths, status);
  raiseDeviceAdded(drv, status, alias);
}
