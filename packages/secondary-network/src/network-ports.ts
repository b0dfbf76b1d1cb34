import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatNetworkPortXML, networkSetup, parseNetworkPortXML, validateXML, type NetworkPortDef } from '@tsvirt/conf';
import { NetworkPortCreateFlags, type NetworkPortRef, type NetworkRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, logger, writeFileAtomic } from '@tsvirt/util';
import { checkPortBandwidth } from './network-bandwidth.js';
import type { NetworkPaths } from './network-paths.js';
import { removeFile, type NetworkObject } from './network-store.js';
import { networkRef, requireActive } from './network-table.js';

const D = ErrorDomain.NETWORK;
const log = logger('network.ports');

/** Where the ports of a running network are kept (one file per port); they go when the network stops. */
export const portsDir = (paths: NetworkPaths, network: string): string => join(paths.stateDir, 'ports', network);
const portFile = (paths: NetworkPaths, network: string, uuid: string): string => join(portsDir(paths, network), `${uuid}.xml`);

export async function loadPorts(paths: NetworkPaths, network: string): Promise<NetworkPortDef[]> {
  const dir = portsDir(paths, network);
  const files = await readdir(dir).catch(() => [] as string[]);
  const ports: NetworkPortDef[] = [];
  for (const f of files.filter((n) => n.endsWith('.xml')).sort()) {
    try {
      ports.push(parseNetworkPortXML(await readFile(join(dir, f), 'utf8')));
    } catch (e) {
      log.warn(`skipping port file '${dir}/${f}': ${(e as Error).message}`);
    }
  }
  return ports;
}

export const portRef = (net: NetworkRef, port: NetworkPortDef): NetworkPortRef => ({ net, uuid: port.uuid });

export async function findPort(paths: NetworkPaths, obj: NetworkObject, uuid: string): Promise<NetworkPortDef> {
  const port = (await loadPorts(paths, obj.def.name)).find((p) => p.uuid === uuid);
  if (!port) throw new VirError(ErrorCode.NO_NETWORK_PORT, `Network port with UUID ${uuid} does not exist`, D);
  return port;
}

/**
 * Plugs a new port into a running network: the network's bridge for the modes that make one
 * (`network` plug), the host bridge for `bridge` mode. A UUID already in use is refused.
 */
export async function createPort(paths: NetworkPaths, obj: NetworkObject, xml: string, flags: number): Promise<NetworkPortRef> {
  checkFlags(flags, NetworkPortCreateFlags.RECLAIM | NetworkPortCreateFlags.VALIDATE, 'networkPortCreateXML', D);
  if (flags & NetworkPortCreateFlags.VALIDATE) await validateXML(xml, 'networkport.rng');
  const running = requireActive(obj);
  const port = parseNetworkPortXML(xml);
  const ports = await loadPorts(paths, obj.def.name);
  if (ports.some((p) => p.uuid === port.uuid)) {
    throw new VirError(ErrorCode.NETWORK_PORT_EXIST, `Network port with UUID ${port.uuid} already exists`, D);
  }
  if (running.def.bridge === undefined) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `network '${obj.def.name}' does not have a bridge name.`, D);
  }
  const floors = ports.map((p) => p.bandwidth?.inbound?.floor ?? 0);
  const { bandwidth } = networkSetup(running.def);
  checkPortBandwidth(port, { name: obj.def.name, bridge: running.def.bridge, ...(bandwidth ? { bandwidth } : {}) }, floors);
  port.plug = { type: running.def.forwardMode === 'bridge' ? 'bridge' : 'network', bridge: running.def.bridge };
  await mkdir(portsDir(paths, obj.def.name), { recursive: true });
  await writeFileAtomic(portFile(paths, obj.def.name, port.uuid), formatNetworkPortXML(port), { mode: 0o600, domain: D });
  return portRef(networkRef(obj), port);
}

export async function deletePort(paths: NetworkPaths, obj: NetworkObject, uuid: string): Promise<void> {
  await findPort(paths, obj, uuid);
  await removeFile(portFile(paths, obj.def.name, uuid), 'port file');
}

/** Forgets every port of a network (it stopped). */
export async function dropPorts(paths: NetworkPaths, network: string): Promise<void> {
  await rm(portsDir(paths, network), { recursive: true, force: true });
}
