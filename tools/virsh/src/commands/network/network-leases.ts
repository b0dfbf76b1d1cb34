import type { NetworkDHCPLease } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { jsonOpt, printTable, type Column } from '../../vsh/report.js';
import { NETWORK } from './network-common.js';
import { objectCommand } from '../shared/object-command.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** virsh prints the expiry in local time as `YYYY-MM-DD HH:MM:SS`. */
function expiry(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const COLUMNS: readonly Column<NetworkDHCPLease>[] = [
  { title: 'Expiry Time', key: 'expiryTime', value: (l) => l.expiryTime, text: (l) => expiry(l.expiryTime) },
  { title: 'MAC address', key: 'mac', value: (l) => l.mac },
  { title: 'Protocol', key: 'protocol', value: (l) => (l.type === 1 ? 'ipv6' : 'ipv4') },
  { title: 'IP address', key: 'ipAddress', value: (l) => `${l.ipaddr}/${l.prefix}` },
  { title: 'Hostname', key: 'hostname', value: (l) => l.hostname ?? null, text: (l) => l.hostname ?? '-' },
  { title: 'Client ID or DUID', key: 'clientId', value: (l) => l.clientid ?? null, text: (l) => l.clientid ?? '-' },
];

export const netDhcpLeases = objectCommand({
  name: 'net-dhcp-leases',
  group: 'network',
  help: 'print lease info for a given network',
  desc: 'Print lease info for a given network',
  object: NETWORK,
  options: [{ name: 'mac', type: 'string', help: 'MAC address' }, jsonOpt],
  async run(net, ctl, cmd) {
    let leases: NetworkDHCPLease[];
    try {
      leases = await net.getDHCPLeases(cmd.string('mac'));
    } catch (e) {
      throw new CommandFailed(`Failed to get leases info for ${cmd.required('network')}`, e);
    }
    // virsh orders leases by MAC address.
    printTable(ctl, cmd, COLUMNS, leases.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0)));
    return true;
  },
});
