import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkSetup, parseNetworkXML, type NetworkSetup } from '@tsvirt/conf';
import { firewallRules } from '../src/firewall-rules.js';
import { nftScript } from '../src/nft-firewall.js';
import { evaluate, iptablesRules, type Probe } from './firewall-model.js';

const DATA = join(import.meta.dirname, '../../../../shared/libvirt-tests/network-firewall');
const cases = readdirSync(DATA).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort();

/** Addresses of each family: inside the network's first subnet, elsewhere, and the special ones. */
function addresses(def: NetworkSetup, family: 'ipv4' | 'ipv6'): { inside: string[]; outside: string[] } {
  const own = def.ips.filter((i) => i.family === family).map((i) => i.address.replace(/1$/, '77'));
  return family === 'ipv4'
    ? { inside: own, outside: ['8.8.8.8', '10.0.0.5', '224.0.0.5', '255.255.255.255', '192.168.1.1'] }
    : { inside: own, outside: ['2001:db8:ffff::1', 'ff02::1'] };
}

/** Every combination of interface, address, protocol, port and connection state that the rules could tell apart. */
function probes(def: NetworkSetup): Probe[] {
  const br = def.bridge!;
  const out: Probe[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const { inside, outside } = addresses(def, family);
    const all = [...inside, ...outside];
    for (const [iif, oif] of [[br, 'eth0'], ['eth0', br], [br, br], ['eth0', 'eth1'], [br, undefined], [undefined, br]] as const) {
      for (const saddr of all) {
        for (const daddr of all) {
          for (const proto of ['tcp', 'udp', 'icmp', undefined] as const) {
            for (const dport of [undefined, 22, 53, 67, 68, 69, 546, 547]) {
              for (const established of [false, true]) {
                out.push({ family, ...(iif ? { iif } : {}), ...(oif ? { oif } : {}), saddr, daddr, ...(proto ? { proto } : {}), ...(dport ? { dport } : {}), established });
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * libvirt 9.0's networkxml2firewall cases: our nftables rules and libvirt's iptables commands
 * give every probe packet the same outcome at every hook (accepted, rejected, masqueraded).
 */
describe('firewall: the effect of libvirt 9.0 iptables rules', () => {
  it('reads every case', () => expect(cases).toHaveLength(7));

  it.each(cases)('%s', (name) => {
    const def = networkSetup(parseNetworkXML(readFileSync(join(DATA, `${name}.xml`), 'utf8')));
    const ours = firewallRules(def);
    const theirs = iptablesRules(readFileSync(join(DATA, `${name}-linux.args`), 'utf8'));
    const differ: string[] = [];
    const seen = new Set<string>();
    for (const p of probes(def)) {
      for (const hook of ['input', 'output', 'forward', 'postrouting'] as const) {
        const a = evaluate(ours, hook, p);
        const b = evaluate(theirs, hook, p);
        seen.add(b);
        if (a !== b) differ.push(`${hook} ${JSON.stringify(p)}: ours ${a}, libvirt ${b}`);
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
    // The probes reach every kind of outcome libvirt's rules give.
    expect([...seen].sort()).toEqual(name.startsWith('nat')
      ? ['accept', 'masquerade', 'masquerade 1024-65535', 'none', 'reject'] : ['accept', 'none', 'reject']);
    expect(nftScript('t', ours)).toContain('table inet t {');
  });
});
