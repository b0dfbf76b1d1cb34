import { existsSync } from 'node:fs';
import type { Connection, Network } from '@tsvirt/api';
import { parseNetworkPortXML, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, logger, runCommand } from '@tsvirt/util';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { setTapBandwidth } from './interface-bandwidth.js';

const D = ErrorDomain.QEMU;
const log = logger('qemu.network');

/** A guest interface plugged into a host bridge: its tap, and the network port it holds (type='network'). */
export interface InterfacePlug {
  /** The interface's position among the domain's `<interface>` elements. */
  readonly index: number;
  readonly tap: string;
  readonly bridge: string;
  readonly network?: string | undefined;
  readonly portUUID?: string | undefined;
}

/** Runs a function on a connection to this driver's own URI (the network driver joins it as a secondary driver). */
export type WithConnection = <T>(fn: (conn: Connection) => Promise<T>) => Promise<T>;

const ip = (args: string[]): Promise<unknown> => runCommand('ip', args, { domain: D });

/** Makes a tap `vnetN` (the first free N, or the name `<target dev>` asks for) on a bridge, up. */
async function makeTap(wanted: string | undefined, bridge: string, mtu: number | undefined): Promise<string> {
  for (let n = 0; ; n++) {
    const name = wanted ?? `vnet${n}`;
    if (existsSync(`/sys/class/net/${name}`)) {
      if (wanted !== undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `Unable to create tap device ${name}: Device or resource busy`, D);
      continue;
    }
    await ip(['tuntap', 'add', 'dev', name, 'mode', 'tap']);
    try {
      await ip(['link', 'set', 'dev', name, 'master', bridge, ...(mtu ? ['mtu', String(mtu)] : []), 'up']);
    } catch (e) {
      await ip(['link', 'del', name]).catch(() => undefined);
      throw e;
    }
    return name;
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
 * Plugs one `network` or `bridge` interface: a port asked of the network driver through the
 * public API (its bridge from the port's plug), then a tap on the bridge. `index` is the number
 * of its QEMU ids (`netN`, `hostnetN`). A failure gives the port back.
 */
export async function plugInterface(withConn: WithConnection, def: DomainDef, nic: Nic, index: number): Promise<InterfacePlug> {
  if (!nic.mac) throw new VirError(ErrorCode.INTERNAL_ERROR, `interface ${index} of domain '${def.name}' has no MAC address`, D);
  let port: { network: string; portUUID: string; bridge: string } | undefined;
  if (nic.type === 'network') {
    const network = nic.source?.network ?? '';
    port = await withConn(async (conn) => {
      const p = await (await lookupNetwork(conn, network)).portCreateXML(portXML(def, nic.mac!));
      return { network, portUUID: p.getUUIDString(), bridge: parseNetworkPortXML(await p.getXMLDesc()).plug?.bridge ?? '' };
    });
  }
  const bridge = port?.bridge ?? nic.source?.bridge ?? '';
  try {
    const tap = await makeTap(nic.target?.dev, bridge, nic.mtu);
    // The definition's <bandwidth> goes onto the tap as libvirt puts it at plug time.
    if (nic.bandwidth) await setTapBandwidth(tap, nic.bandwidth).catch(async (e: unknown) => {
      await ip(['link', 'del', tap]).catch(() => undefined);
      throw e;
    });
    return { index, tap, bridge, ...(port ? { network: port.network, portUUID: port.portUUID } : {}) };
  } catch (e) {
    if (port) await deletePort(withConn, port.network, port.portUUID);
    throw e;
  }
}

/**
 * Plugs the domain's `network` and `bridge` interfaces at start, the tap's name recorded as
 * `<target dev>` in the live definition. A failure unplugs what was plugged.
 */
export async function plugInterfaces(withConn: WithConnection, def: DomainDef): Promise<InterfacePlug[]> {
  const plugs: InterfacePlug[] = [];
  try {
    for (const [index, nic] of devicesOf(def.devices, 'interface').entries()) {
      // A floor needs a network's class tree (libvirt checks it before plugging anything).
      if (nic.bandwidth?.inbound?.floor && nic.type !== 'network') {
        throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'floor attribute is not supported for this config', D);
      }
      if (nic.type !== 'network' && nic.type !== 'bridge') continue;
      const plug = await plugInterface(withConn, def, nic, index);
      plugs.push(plug);
      writeBack(def, { ...nic, target: { ...nic.target, dev: plug.tap } });
    }
    return plugs;
  } catch (e) {
    await unplugInterfaces(withConn, plugs);
    throw e;
  }
}

async function deletePort(withConn: WithConnection, network: string, uuid: string): Promise<void> {
  await withConn(async (conn) => (await (await conn.networkLookupByName(network)).portLookupByUUIDString(uuid)).delete())
    .catch((e: unknown) => log.warn(`cannot delete port ${uuid} of network '${network}': ${(e as Error).message}`));
}

/** Removes the taps and gives back the ports of a domain's interfaces (on stop, crash or failed start). */
export async function unplugInterfaces(withConn: WithConnection, plugs: readonly InterfacePlug[]): Promise<void> {
  for (const p of plugs) {
    if (existsSync(`/sys/class/net/${p.tap}`)) await ip(['link', 'del', p.tap]).catch(() => undefined);
    if (p.network !== undefined && p.portUUID !== undefined) await deletePort(withConn, p.network, p.portUUID);
  }
}
