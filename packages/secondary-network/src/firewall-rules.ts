import { formatIP, parseIP, prefixMask, type NetworkSetup } from '@tsvirt/conf';

/** The hook a rule sits on: the host's own traffic in and out, forwarded traffic, and source NAT. */
export type FirewallHook = 'input' | 'output' | 'forward' | 'postrouting';

/** What a rule matches; every field given must match. */
export interface FirewallMatch {
  readonly family: 'ipv4' | 'ipv6';
  readonly iif?: string;
  readonly oif?: string;
  /** CIDR. */
  readonly saddr?: string;
  readonly daddr?: string;
  /** The destination is outside this CIDR. */
  readonly notDaddr?: string;
  readonly proto?: 'tcp' | 'udp';
  readonly dport?: number;
  /** Only packets of established or related connections. */
  readonly established?: boolean;
}

export type FirewallVerdict = 'accept' | 'reject' | 'masquerade' | 'return';

/** One rule of a network's firewall, in evaluation order within its hook. */
export interface FirewallRule {
  readonly hook: FirewallHook;
  readonly match: FirewallMatch;
  readonly verdict: FirewallVerdict;
  /** Masquerade into this source port range (`1024-65535`). */
  readonly toPorts?: string;
}

/** The subnet of an `<ip>` as CIDR text (`192.168.122.0/24`). */
export function subnetOf(address: string, prefix: number): string {
  const ip = parseIP(address)!;
  return `${formatIP({ bits: ip.bits, value: ip.value & prefixMask(ip.bits, prefix) })}/${prefix}`;
}

/** A port guests may reach on the bridge (INPUT), and the port the host answers to (OUTPUT). */
interface ServicePort {
  readonly protos: ReadonlyArray<'tcp' | 'udp'>;
  readonly in: number;
  readonly out: number;
}

/** The host services a network's guests may reach on the bridge: DHCP, DNS and TFTP (libvirt's INPUT/OUTPUT rules). */
function serviceRules(def: NetworkSetup, br: string, family: 'ipv4' | 'ipv6'): FirewallRule[] {
  const both = ['tcp', 'udp'] as const;
  const ports: ServicePort[] = family === 'ipv4'
    ? [{ protos: both, in: 67, out: 68 }, { protos: both, in: 53, out: 53 }]
    : [{ protos: both, in: 53, out: 53 }, { protos: ['udp'], in: 547, out: 546 }];
  if (family === 'ipv4' && def.ips.some((i) => i.family === 'ipv4' && i.tftpRoot !== undefined)) ports.push({ protos: ['udp'], in: 69, out: 69 });
  return ports.flatMap((p) => p.protos.flatMap((proto) => [
    { hook: 'input' as const, match: { family, iif: br, proto, dport: p.in }, verdict: 'accept' as const },
    { hook: 'output' as const, match: { family, oif: br, proto, dport: p.out }, verdict: 'accept' as const },
  ]));
}

/** Forwarded traffic of one subnet: out from the guests, back in to them, and source NAT for `nat`. */
function subnetRules(def: NetworkSetup, br: string, subnet: string, family: 'ipv4' | 'ipv6', masquerade: boolean): FirewallRule[] {
  const dev = def.forwardDev;
  const out: FirewallRule[] = [];
  const fwd = (match: Omit<FirewallMatch, 'family'>, verdict: FirewallVerdict): FirewallRule => ({ hook: 'forward', match: { family, ...match }, verdict });
  out.push(fwd({ iif: br, saddr: subnet, ...(dev ? { oif: dev } : {}) }, 'accept'));
  out.push(fwd({ oif: br, daddr: subnet, ...(dev ? { iif: dev } : {}), ...(masquerade ? { established: true } : {}) }, 'accept'));
  if (!masquerade) return out;
  const nat = (match: Omit<FirewallMatch, 'family' | 'saddr'>, verdict: FirewallVerdict, toPorts?: string): FirewallRule => ({
    hook: 'postrouting', match: { family, saddr: subnet, ...(dev ? { oif: dev } : {}), ...match }, verdict, ...(toPorts ? { toPorts } : {}),
  });
  if (family === 'ipv4') {
    out.push(nat({ daddr: '224.0.0.0/24' }, 'return'), nat({ daddr: '255.255.255.255/32' }, 'return'));
  } else {
    out.push(nat({ daddr: 'ff02::/16' }, 'return'));
  }
  out.push(nat({ notDaddr: subnet, proto: 'tcp' }, 'masquerade', '1024-65535'));
  out.push(nat({ notDaddr: subnet, proto: 'udp' }, 'masquerade', '1024-65535'));
  out.push(nat({ notDaddr: subnet }, 'masquerade'));
  return out;
}

/**
 * A network's firewall as an ordered list of rules, with the effect of libvirt 9.0's iptables
 * rules: guests reach DHCP and DNS on the bridge; traffic between guests of the bridge passes;
 * `nat` and `route` forward their subnets (nat masquerades, and lets in only replies), through
 * `<forward dev>` when given; everything else to or from the bridge is rejected. `open` and
 * `bridge` networks get no rules. IPv6 subnets of a nat network masquerade only with
 * `<nat ipv6='yes'>`; otherwise they are routed.
 */
export function firewallRules(def: NetworkSetup): FirewallRule[] {
  const br = def.bridge;
  if (br === undefined || def.forwardMode === 'open' || def.forwardMode === 'bridge') return [];
  const families = (['ipv4', 'ipv6'] as const).filter((f) => f === 'ipv4' || def.ips.some((i) => i.family === f));
  const rules: FirewallRule[] = [];
  for (const family of families) {
    rules.push(...serviceRules(def, br, family));
    rules.push({ hook: 'forward', match: { family, iif: br, oif: br }, verdict: 'accept' });
    if (def.forwardMode === 'nat' || def.forwardMode === 'route') {
      for (const ip of def.ips.filter((i) => i.family === family && i.prefix > 0)) {
        rules.push(...subnetRules(def, br, subnetOf(ip.address, ip.prefix), family, def.forwardMode === 'nat' && (family === 'ipv4' || def.natIPv6)));
      }
    }
    rules.push({ hook: 'forward', match: { family, oif: br }, verdict: 'reject' });
    rules.push({ hook: 'forward', match: { family, iif: br }, verdict: 'reject' });
  }
  return rules;
}
