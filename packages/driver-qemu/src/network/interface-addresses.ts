import { readFile } from 'node:fs/promises';
import { parseDomainXML } from '@tsvirt/conf';
import { DomainInterfaceAddressesSource, IPAddrType, type DomainInterface } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;
type Nic = DeviceOf<'interface'>;

/** The interfaces of a live definition that have a MAC address. */
function nicsOf(status: ActiveStatus): Nic[] {
  return devicesOf(parseDomainXML(status.xml, { arch: GUEST_ARCH }).devices, 'interface').filter((n) => n.mac !== undefined);
}

/**
 * As libvirt's lease source: every `type='network'` interface's network is asked (through the
 * public API) for the DHCP leases of its MAC; interfaces without a lease are left out.
 */
async function fromLeases(drv: DriverContext, status: ActiveStatus): Promise<DomainInterface[]> {
  return drv.withConnection(async (conn) => {
    const out: DomainInterface[] = [];
    for (const nic of nicsOf(status)) {
      if (nic.type !== 'network') continue;
      const leases = await (await conn.networkLookupByName(nic.source?.network ?? '')).getDHCPLeases(nic.mac);
      if (leases.length === 0) continue;
      out.push({ name: nic.target?.dev ?? '', hwaddr: nic.mac, addrs: leases.map((l) => ({ type: l.type, addr: l.ipaddr, prefix: l.prefix })) });
    }
    return out;
  });
}

/** As libvirt's ARP source: the host's neighbour table (`/proc/net/arp`) by each interface's MAC, prefix 0. */
async function fromArp(status: ActiveStatus): Promise<DomainInterface[]> {
  const rows = (await readFile('/proc/net/arp', 'utf8')).split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  return nicsOf(status).flatMap((nic) => {
    const addrs = rows.filter((r) => r[3]?.toLowerCase() === nic.mac!.toLowerCase()).map((r) => ({ type: IPAddrType.IPV4, addr: r[0]!, prefix: 0 }));
    return addrs.length ? [{ name: nic.target?.dev ?? '', hwaddr: nic.mac, addrs }] : [];
  });
}

/** virDomainInterfaceAddresses of a running domain from leases or ARP (the agent's are agent/guest-calls.ts). */
export async function interfaceAddresses(drv: DriverContext, status: ActiveStatus, source: number): Promise<DomainInterface[]> {
  switch (source) {
    case DomainInterfaceAddressesSource.LEASE: return fromLeases(drv, status);
    case DomainInterfaceAddressesSource.ARP: return fromArp(status);
    default: throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `Unknown IP address data source ${source}`, D);
  }
}
