import { closeSync, existsSync } from 'node:fs';
import type { Connection, Network } from '@tsvirt/api';
import { parseNetworkPortXML, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, logger, runCommand } from '@tsvirt/util';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { setTapBandwidth } from './interface-bandwidth.js';
import { openTap, openVhostNet } from './tap-open.js';

const D = ErrorDomain.QEMU;
const log = logger('qemu.network');

/** A guest interface on a tap (on a host bridge unless `ethernet`): its tap, and the network port it holds (type='network'). */
export interface InterfacePlug {
  /** The interface's position among the domain's `<interface>` elements. */
  readonly index: number;
  readonly tap: string;
  /** The bridge the tap is on; empty for an `ethernet` tap. */
  readonly bridge: string;
  readonly network?: string | undefined;
  readonly portUUID?: string | undefined;
  /** A tap the definition names with `managed='no'`: the host's own, never removed. */
  readonly unmanaged?: boolean | undefined;
}

/** A plug with the descriptors the driver opened for QEMU, open in this process until QEMU has inherited or been handed its own. */
export interface OpenedPlug {
  readonly plug: InterfacePlug;
  /** One per queue. */
  readonly tapfds: readonly number[];
  /** vhost-net, one per queue, for a virtio NIC on a host that has it. */
  readonly vhostfds: readonly number[];
}

/** Closes this process's copies of plugs' descriptors (an unmanaged or unplugged tap then goes with the last one). */
export function closePlugFds(opened: readonly OpenedPlug[]): void {
  for (const o of opened) for (const fd of [...o.tapfds, ...o.vhostfds]) closeSync(fd);
}

/** The interface types whose guest side is a tap the driver opens. */
export const TAP_TYPES: ReadonlySet<string | undefined> = new Set(['network', 'bridge', 'ethernet']);

/** Runs a function on a connection to this driver's own URI (the network driver joins it as a secondary driver). */
export type WithConnection = <T>(fn: (conn: Connection) => Promise<T>) => Promise<T>;

const ip = (args: string[]): Promise<unknown> => runCommand('ip', args, { domain: D });

/**
 * Opens a tap for QEMU, as libvirt does: `vnetN` (the first free N) or the name `<target dev>`
 * asks for, not persistent; on the bridge when there is one, up; its descriptors returned. An
 * unmanaged tap (`managed='no'`) must exist and is only opened.
 */
async function openPlugTap(nic: Nic, bridge: string): Promise<{ tap: string; tapfds: number[]; vhostfds: number[] }> {
  const wanted = nic.target?.dev;
  const unmanaged = nic.target?.managed === false;
  if (unmanaged && wanted === undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "target dev must be supplied when managed='no'", D);
  if (unmanaged && !existsSync(`/sys/class/net/${wanted}`)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "target managed='no' but specified dev doesn't exist", D);
  if (nic.type === 'ethernet' && (nic.ips?.length || nic.routes?.length)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `host side addresses and routes of ethernet interface '${wanted ?? nic.mac ?? ''}' are not supported by this driver yet`, D);
  }
  const queues = nic.driver?.queues ?? 1;
  if (queues > 1 && nic.model !== 'virtio') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'Multiqueue network is only supported for virtio', D);
  const vhostfds = openVhostNet(nic.model, nic.driver?.name, queues);
  try {
    for (let n = 0; ; n++) {
      const tap = wanted ?? `vnet${n}`;
      if (!unmanaged && existsSync(`/sys/class/net/${tap}`)) {
        if (wanted !== undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `Unable to create tap device ${tap}: Device or resource busy`, D);
        continue;
      }
      let tapfds: number[];
      try {
        tapfds = await openTap(tap, { vnetHdr: nic.model === 'virtio', queues });
      } catch (e) {
        // Another process took the name between the look and the open: the next one.
        if (wanted === undefined && existsSync(`/sys/class/net/${tap}`)) continue;
        throw e;
      }
      if (unmanaged) return { tap, tapfds, vhostfds };
      try {
        // The tap's own MAC is the guest's with its first byte FE, so that a bridge never takes the guest's as its own.
        const mac = nic.mac ? ['address', `fe${nic.mac.slice(2)}`] : [];
        await ip(['link', 'set', 'dev', tap, ...mac, ...(bridge ? ['master', bridge] : []), ...(nic.mtu ? ['mtu', String(nic.mtu)] : []), 'up']);
      } catch (e) {
        for (const fd of tapfds) closeSync(fd);
        throw e;
      }
      return { tap, tapfds, vhostfds };
    }
  } catch (e) {
    for (const fd of vhostfds) closeSync(fd);
    throw e;
  }
}

function portXML(def: DomainDef, mac: string): string {
  return `<networkport><owner><name>${def.name}</name><uuid>${def.uuid}</uuid></owner><mac address='${mac}'/></networkport>`;
}

/** The network a `type='network'` interface names, asked of the network driver; without one, the error names the package. */
async function lookupNetwork(conn: Connection, name: string): Promise<Network> {
  try {
    return await conn.networkLookupByName(name);
  } catch (e) {
    if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) {
      throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `interface of type 'network' needs a network driver: install @tsvirt/secondary-network`, D, { cause: e });
    }
    throw e;
  }
}

/** A typed `<interface>`. */
type Nic = DeviceOf<'interface'>;

/**
 * Plugs one `network`, `bridge` or `ethernet` interface: a port asked of the network driver
 * through the public API (its bridge from the port's plug), then a tap the driver opens, on the
 * bridge. `index` is the number of its QEMU ids (`netN`, `hostnetN`). A failure gives the port back.
 */
export async function plugInterface(withConn: WithConnection, def: DomainDef, nic: Nic, index: number): Promise<OpenedPlug> {
  if (!nic.mac) throw new VirError(ErrorCode.INTERNAL_ERROR, `interface ${index} of domain '${def.name}' has no MAC address`, D);
  let port: { network: string; portUUID: string; bridge: string } | undefined;
  if (nic.type === 'network') {
    const network = nic.source?.network ?? '';
    port = await withConn(async (conn) => {
      const p = await (await lookupNetwork(conn, network)).portCreateXML(portXML(def, nic.mac!));
      return { network, portUUID: p.getUUIDString(), bridge: parseNetworkPortXML(await p.getXMLDesc()).plug?.bridge ?? '' };
    });
  }
  const bridge = port?.bridge ?? (nic.type === 'bridge' ? nic.source?.bridge ?? '' : '');
  try {
    const { tap, tapfds, vhostfds } = await openPlugTap(nic, bridge);
    const plug: InterfacePlug = { index, tap, bridge, ...(port ? { network: port.network, portUUID: port.portUUID } : {}), ...(nic.target?.managed === false ? { unmanaged: true } : {}) };
    const opened = { plug, tapfds, vhostfds };
    // The definition's <bandwidth> goes onto the tap as libvirt puts it at plug time.
    if (nic.bandwidth) await setTapBandwidth(tap, nic.bandwidth).catch((e: unknown) => {
      closePlugFds([opened]);
      throw e;
    });
    return opened;
  } catch (e) {
    if (port) await deletePort(withConn, port.network, port.portUUID);
    throw e;
  }
}

/**
 * Plugs the domain's `network`, `bridge` and `ethernet` interfaces at start, the tap's name
 * recorded as `<target dev>` in the live definition. A failure unplugs what was plugged.
 */
export async function plugInterfaces(withConn: WithConnection, def: DomainDef): Promise<OpenedPlug[]> {
  const plugs: OpenedPlug[] = [];
  try {
    for (const [index, nic] of devicesOf(def.devices, 'interface').entries()) {
      // A floor needs a network's class tree (libvirt checks it before plugging anything).
      if (nic.bandwidth?.inbound?.floor && nic.type !== 'network') {
        throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'floor attribute is not supported for this config', D);
      }
      if (!TAP_TYPES.has(nic.type)) continue;
      const opened = await plugInterface(withConn, def, nic, index);
      plugs.push(opened);
      writeBack(def, { ...nic, target: { ...nic.target, dev: opened.plug.tap } });
    }
    return plugs;
  } catch (e) {
    closePlugFds(plugs);
    await unplugInterfaces(withConn, plugs.map((o) => o.plug));
    throw e;
  }
}

async function deletePort(withConn: WithConnection, network: string, uuid: string): Promise<void> {
  await withConn(async (conn) => (await (await conn.networkLookupByName(network)).portLookupByUUIDString(uuid)).delete())
    .catch((e: unknown) => log.warn(`cannot delete port ${uuid} of network '${network}': ${(e as Error).message}`));
}

/**
 * Removes the taps and gives back the ports of a domain's interfaces (on stop, crash or failed
 * start). A tap the driver opened goes with QEMU's last descriptor; one still there is removed,
 * never an unmanaged one.
 */
export async function unplugInterfaces(withConn: WithConnection, plugs: readonly InterfacePlug[]): Promise<void> {
  for (const p of plugs) {
    if (!p.unmanaged && existsSync(`/sys/class/net/${p.tap}`)) await ip(['link', 'del', p.tap]).catch(() => undefined);
    if (p.network !== undefined && p.portUUID !== undefined) await deletePort(withConn, p.network, p.portUUID);
  }
}
