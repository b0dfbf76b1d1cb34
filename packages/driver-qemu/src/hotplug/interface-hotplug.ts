import { formatDomainXML, parseDomainXML, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { assignPciAddresses, pciAddressOf, pciProps } from '../command/pci-address.js';
import { devicesOf, typedDevice, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { generateMac } from '../driver/domain-define.js';
import { withMonitor } from '../driver/monitor.js';
import { closePlugFds, plugInterface, TAP_TYPES, unplugInterfaces, type InterfacePlug, type OpenedPlug } from '../network/interface-plug.js';
import { tapNetdev } from '../command/netdev-args.js';
import { nicAliases, nicIds } from '../devices/device-aliases.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { raiseDeviceAdded } from './device-added.js';
import { UNPLUG_WAIT_MS } from './disk-hotplug.js';

const D = ErrorDomain.QEMU;
type Nic = DeviceOf<'interface'>;

/** A live interface's QEMU ids: its alias's (the one a start gave, or libvirt's for a run that recorded none). */
export function liveNicIds(nics: readonly Nic[], nic: Nic): { device: string; netdev: string } {
  const at = nics.findIndex((x) => x.xml === nic.xml);
  if (at < 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `interface '${nic.mac ?? ''}' is not one of the domain's`, D);
  return nicIds(nicAliases(nics)[at]!);
}

/** QEMU's device of a NIC model (libvirt's default model for QEMU is rtl8139). */
function nicDriver(model: string | undefined): string {
  const m = model ?? 'rtl8139';
  if (m === 'virtio') return 'virtio-net-pci';
  if (m === 'e1000' || m === 'e1000e' || m === 'rtl8139') return m;
  throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `interface model '${m}' is not supported by this QEMU driver`, D);
}

/** The interface of a live definition that a detach request names: by MAC address, as libvirt matches them. */
export function findInterface(nics: readonly Nic[], request: Nic): Nic {
  const mac = request.mac?.toLowerCase();
  const found = mac === undefined ? nics : nics.filter((n) => n.mac?.toLowerCase() === mac);
  if (found.length === 0) {
    throw new VirError(ErrorCode.DEVICE_MISSING, mac === undefined ? 'no matching network device was found' : `no device matching MAC address ${mac} found`, D);
  }
  if (found.length > 1) {
    throw new VirError(ErrorCode.OPERATION_FAILED, mac === undefined ? 'multiple devices matching were found' : `multiple devices matching MAC address ${mac} found`, D);
  }
  return found[0]!;
}

/** Closes descriptors QEMU holds by name (given with `getfd`, not taken by a netdev). */
async function closeNamed(mon: QmpClient, names: readonly string[]): Promise<void> {
  for (const fdname of names) await mon.execute('closefd', { fdname }).catch(() => undefined);
}

/**
 * Hands QEMU the descriptors the driver opened for a hotplugged NIC's tap through `getfd`, named
 * as libvirt names them (`tapfd-netN0`…, `vhostfd-netN0`…); answers the names for netdev_add.
 */
async function passTapFds(mon: QmpClient, alias: string, opened: OpenedPlug): Promise<{ taps: string[]; vhosts: string[] }> {
  const given: string[] = [];
  const give = async (kind: string, fds: readonly number[]): Promise<string[]> => {
    for (const [i, fd] of fds.entries()) {
      await mon.getfd(`${kind}-${alias}${i}`, fd);
      given.push(`${kind}-${alias}${i}`);
    }
    return fds.map((_, i) => `${kind}-${alias}${i}`);
  };
  try {
    return { taps: await give('tapfd', opened.tapfds), vhosts: await give('vhostfd', opened.vhostfds) };
  } catch (e) {
    await closeNamed(mon, given);
    throw e;
  }
}

/**
 * Plugs a `network`, `bridge`, `ethernet` or `user` interface into a running domain: a port and
 * a tap as at start (the network driver through the public API), the tap's descriptors handed to
 * QEMU (`getfd`), then netdev_add (`fd` naming them) and device_add with ids `hostnetN`/`netN` for
 * one past the highest N (a user alias, `ua-…`, names them instead: `ua-…`/`hostua-…`), then one
 * status write and DEVICE_ADDED. A failure removes the netdev, the tap and the port.
 */
export async function attachInterfaceLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const asked = typedDevice(el, 'interface');
  if (!TAP_TYPES.has(asked.type) && asked.type !== 'user') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `live attach of interface type '${asked.type ?? ''}' is not supported`, D);
  }
  const driver = nicDriver(asked.model);
  const nics = devicesOf(def.devices, 'interface');
  const ids = nicIds(nicAliases([...nics, asked]).at(-1)!);
  // The number of its taps' plug record, beside those the run holds.
  const used = new Set((status.netPlugs ?? []).map((p) => p.index));
  let n = nics.length;
  while (used.has(n)) n++;
  def.devices.push(el);
  writeBack(def, { ...asked, mac: asked.mac ?? generateMac(), alias: ids.device });
  assignPciAddresses(def.devices);
  const withConn = drv.withConnection.bind(drv);
  let nic = devicesOf(def.devices, 'interface').find((x) => x.alias === ids.device)!;
  const opened = asked.type === 'user' ? undefined : await plugInterface(withConn, def, nic, n);
  const plug = opened?.plug;
  if (plug) {
    writeBack(def, { ...nic, target: { ...nic.target, dev: plug.tap } });
    nic = devicesOf(def.devices, 'interface').find((x) => x.alias === ids.device)!;
  }
  try {
    await withMonitor(status, async (mon) => {
      const fds = opened ? await passTapFds(mon, ids.device, opened) : undefined;
      const netdev = plug && fds ? tapNetdev(ids.netdev, plug.tap, fds.taps, fds.vhosts) : { type: 'user', id: ids.netdev };
      await mon.execute('netdev_add', netdev).catch(async (e: unknown) => {
        // QEMU keeps descriptors netdev_add did not take until they are closed by name.
        await closeNamed(mon, fds ? [...fds.taps, ...fds.vhosts] : []);
        throw e;
      });
      try {
        await mon.execute('device_add', { driver, netdev: ids.netdev, id: ids.device, mac: nic.mac, ...pciProps(pciAddressOf(nic)) });
      } catch (e) {
        await mon.execute('netdev_del', { id: ids.netdev }).catch(() => undefined);
        throw e;
      }
    });
  } catch (e) {
    if (opened) closePlugFds([opened]);
    if (plug) await unplugInterfaces(withConn, [plug]);
    throw e;
  }
  // QEMU holds its own copies now.
  if (opened) closePlugFds([opened]);
  status.xml = formatDomainXML(def, { id: status.id });
  if (plug) status.netPlugs = [...(status.netPlugs ?? []), plug];
  await writeStatus(drv.paths, status);
  raiseDeviceAdded(drv, status, ids.device);
}

/**
 * Finishes an interface QEMU has removed (DEVICE_DELETED): its netdev goes, its tap and port are
 * given back, and it leaves the live definition and any pending mark.
 */
export async function forgetInterface(drv: DriverContext, mon: QmpClient, status: ActiveStatus, alias: string): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const nics = devicesOf(def.devices, 'interface');
  const nic = nics.find((x) => liveNicIds(nics, x).device === alias);
  if (!nic) return;
  await mon.execute('netdev_del', { id: liveNicIds(nics, nic).netdev }).catch(() => undefined);
  // Its plug is the one of its tap (the live XML's target).
  const mine = (p: InterfacePlug): boolean => p.tap === nic.target?.dev;
  await unplugInterfaces(drv.withConnection.bind(drv), (status.netPlugs ?? []).filter(mine));
  def.devices = def.devices.filter((el) => el !== nic.xml);
  status.xml = formatDomainXML(def, { id: status.id });
  status.netPlugs = (status.netPlugs ?? []).filter((p) => !mine(p));
  status.pendingUnplug = status.pendingUnplug.filter((a) => a !== alias);
}

/**
 * Unplugs an interface (found by MAC) from a running domain: device_del, then DEVICE_DELETED is
 * awaited as for disks. A PCI NIC needs the guest's ACPI eject; without it the unplug stays
 * pending and is finished when QEMU reports the device gone.
 */
export async function detachInterfaceLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const nics = devicesOf(def.devices, 'interface');
  const alias = liveNicIds(nics, findInterface(nics, typedDevice(el, 'interface'))).device;
  await withMonitor(status, async (mon) => {
    const deleted = mon.waitForEvent((e) => e.event === 'DEVICE_DELETED' && e.data['device'] === alias, UNPLUG_WAIT_MS);
    await mon.execute('device_del', { id: alias });
    if (await deleted) await forgetInterface(drv, mon, status, alias);
    else if (!status.pendingUnplug.includes(alias)) status.pendingUnplug.push(alias);
  });
  await writeStatus(drv.paths, status);
}
