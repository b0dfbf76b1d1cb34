import { parseNetworkPortXML } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';
import type { LxcContext } from './lxc-context.js';

const log = logger('lxc.net');

/** A port of a virtual network held by a running container's interface. */
export interface HeldPort {
  readonly network: string;
  readonly uuid: string;
  /** The MAC of the interface it serves (which port a detached interface gives back). */
  readonly mac?: string | undefined;
}

/**
 * Asks the network driver, through the public API, for a port on network `name` for the
 * interface with `mac`; answers the bridge to plug the veth into. Without a network driver the
 * error names the package to install.
 */
export async function acquirePort(drv: LxcContext, name: string, mac: string, domain: { name: string; uuid: string }): Promise<{ bridge: string; port: HeldPort }> {
  const conn = await drv.openSelf();
  try {
    let net;
    try {
      net = await conn.networkLookupByName(name);
    } catch (e) {
      if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) {
        throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `interface of type 'network' needs a network driver: install @tsvirt/secondary-network`, ErrorDomain.LXC, { cause: e });
      }
      throw e;
    }
    const xml = `<networkport><owner><name>${domain.name}</name><uuid>${domain.uuid}</uuid></owner><mac address='${mac}'/></networkport>`;
    const port = await net.portCreateXML(xml, 0);
    const bridge = parseNetworkPortXML(await port.getXMLDesc(0)).plug?.bridge;
    if (!bridge) {
      await port.delete(0).catch(() => undefined);
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `network '${name}' gives no bridge to plug a container into`, ErrorDomain.LXC);
    }
    return { bridge, port: { network: name, uuid: port.getUUIDString(), mac } };
  } finally {
    await conn.close();
  }
}

/** Gives the ports back to the network driver; what is gone already is fine. */
export async function releasePorts(drv: LxcContext, ports: readonly HeldPort[]): Promise<void> {
  if (ports.length === 0) return;
  const conn = await drv.openSelf().catch(() => undefined);
  if (!conn) return;
  try {
    for (const p of ports) {
      try {
        const net = await conn.networkLookupByName(p.network);
        await (await net.portLookupByUUIDString(p.uuid)).delete(0);
      } catch (e) {
        log.warn(`cannot release port ${p.uuid} of network '${p.network}': ${(e as Error).message}`);
      }
    }
  } finally {
    await conn.close();
  }
}
