import { DomainInterfaceAddressesSource, IPAddrType } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';

const strOpt = (name: string, help: string): OptDef => ({ name, type: 'string', help });

const SOURCES: Readonly<Record<string, number>> = {
  lease: DomainInterfaceAddressesSource.LEASE, agent: DomainInterfaceAddressesSource.AGENT, arp: DomainInterfaceAddressesSource.ARP,
};

const row = (name: string, mac: string, rest: string): string => ` ${name.padEnd(10)} ${mac.padEnd(17)}    ${rest}\n`;

export const domifaddr: CommandDef = {
  name: 'domifaddr',
  group: 'monitor',
  help: "Get network interfaces' addresses for a running domain",
  desc: "Get network interfaces' addresses for a running domain",
  options: [
    domainOpt(),
    strOpt('interface', 'network interface name'),
    boolOpt('full', 'always display names and MACs of interfaces'),
    strOpt('source', "address source: 'lease', 'agent', or 'arp'"),
  ],
  async run(ctl, cmd) {
    const dom = await domainArg(ctl, cmd);
    const wanted = cmd.string('interface');
    const sourceName = cmd.string('source');
    const source = sourceName === undefined ? DomainInterfaceAddressesSource.LEASE : SOURCES[sourceName];
    if (source === undefined) throw new VshError(`Unknown data source '${sourceName}'`);
    let ifaces;
    try {
      ifaces = await dom.interfaceAddresses(source, 0);
    } catch (e) {
      throw new CommandFailed('Failed to query for interfaces addresses', e);
    }
    const full = cmd.bool('full');
    ctl.extra(` ${'Name'.padEnd(10)} ${'MAC address'.padEnd(20)} ${'Protocol'.padEnd(8)}     Address\n${'-'.repeat(79)}\n`);
    for (const iface of ifaces) {
      if (wanted !== undefined && wanted !== iface.name) continue;
      if (iface.addrs.length === 0) {
        ctl.print(row(iface.name, iface.hwaddr ?? 'N/A', `${'N/A'.padEnd(12)} N/A`));
        continue;
      }
      iface.addrs.forEach((a, j) => {
        const addr = `${(a.type === IPAddrType.IPV6 ? 'ipv6' : 'ipv4').padEnd(12)} ${a.addr}/${a.prefix}`;
        ctl.print(full || j === 0 ? row(iface.name, iface.hwaddr ?? '', addr) : row('-', '-', addr));
      });
    }
    return true;
  },
};
