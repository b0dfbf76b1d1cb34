import { inSubnet, parseIP } from '@tsvirt/conf';
import type { FirewallHook, FirewallMatch, FirewallRule } from '../src/firewall-rules.js';

/** A packet as the firewall sees it at one hook. */
export interface Probe {
  readonly family: 'ipv4' | 'ipv6';
  readonly iif?: string;
  readonly oif?: string;
  readonly saddr: string;
  readonly daddr: string;
  readonly proto?: 'tcp' | 'udp' | 'icmp';
  readonly dport?: number;
  readonly established: boolean;
}

/** What a hook does to a packet: accepted or rejected (filter), masqueraded or not (nat). */
export type Outcome = 'accept' | 'reject' | `masquerade${string}` | 'none';

function inCidr(addr: string, cidr: string): boolean {
  const [net, len] = cidr.split('/') as [string, string];
  const a = parseIP(addr);
  const n = parseIP(net);
  return a !== undefined && n !== undefined && inSubnet(a, n, Number(len));
}

function matches(m: FirewallMatch, p: Probe): boolean {
  return m.family === p.family
    && (m.iif === undefined || m.iif === p.iif)
    && (m.oif === undefined || m.oif === p.oif)
    && (m.saddr === undefined || inCidr(p.saddr, m.saddr))
    && (m.daddr === undefined || inCidr(p.daddr, m.daddr))
    && (m.notDaddr === undefined || !inCidr(p.daddr, m.notDaddr))
    && (m.proto === undefined || m.proto === p.proto)
    && (m.dport === undefined || m.dport === p.dport)
    && (!m.established || p.established);
}

/** The first matching rule decides; no match, or a RETURN, leaves the packet as it is. */
export function evaluate(rules: readonly FirewallRule[], hook: FirewallHook, p: Probe): Outcome {
  const rule = rules.find((r) => r.hook === hook && matches(r.match, p));
  if (!rule || rule.verdict === 'return') return hook === 'postrouting' ? 'none' : 'accept';
  if (rule.verdict === 'masquerade') return `masquerade${rule.toPorts ? ` ${rule.toPorts}` : ''}`;
  return rule.verdict;
}

/** libvirt's chains and where each is jumped to from: FORWARD runs FWX, then FWI, then FWO (each inserted at the top). */
const CHAIN_ORDER: Record<string, { hook: FirewallHook; order: number }> = {
  LIBVIRT_INP: { hook: 'input', order: 0 },
  LIBVIRT_OUT: { hook: 'output', order: 0 },
  LIBVIRT_FWX: { hook: 'forward', order: 0 },
  LIBVIRT_FWI: { hook: 'forward', order: 1 },
  LIBVIRT_FWO: { hook: 'forward', order: 2 },
  'nat:LIBVIRT_PRT': { hook: 'postrouting', order: 0 },
};

const VERDICTS: Record<string, FirewallRule['verdict']> = { ACCEPT: 'accept', REJECT: 'reject', MASQUERADE: 'masquerade', RETURN: 'return' };

/**
 * libvirt's iptables commands (a networkxml2firewall `.args` file) as the same rules: each
 * `--insert` goes to the top of its chain, and the chains run in the order FORWARD jumps to them.
 * Only the filter and nat tables decide verdicts; mangle's checksum fill changes none.
 */
export function iptablesRules(args: string): FirewallRule[] {
  const commands = args.replace(/ \\\n/g, ' ').split('\n').filter((l) => /^ip6?tables /.test(l));
  const chains = new Map<string, FirewallRule[]>();
  for (const line of commands) {
    const words = line.split(' ').map((w) => w.replace(/^'!'$/, '!'));
    const opt = (name: string): string | undefined => {
      const i = words.indexOf(name);
      return i < 0 ? undefined : words[i + 1];
    };
    const chain = opt('--insert');
    const table = opt('--table');
    const jump = opt('--jump');
    if (chain === undefined || jump === undefined || table === 'mangle') continue;
    const negated = (name: string): boolean => words[words.indexOf(name) - 1] === '!';
    const daddr = opt('--destination');
    const proto = opt('--protocol') ?? opt('-p');
    const dport = opt('--destination-port');
    const iif = opt('--in-interface');
    const oif = opt('--out-interface');
    const saddr = opt('--source');
    const toPorts = opt('--to-ports');
    const match: FirewallMatch = {
      family: words[0] === 'ip6tables' ? 'ipv6' : 'ipv4',
      ...(iif !== undefined ? { iif } : {}),
      ...(oif !== undefined ? { oif } : {}),
      ...(saddr !== undefined ? { saddr } : {}),
      ...(daddr !== undefined ? (negated('--destination') ? { notDaddr: daddr } : { daddr }) : {}),
      ...(proto !== undefined ? { proto: proto as 'tcp' | 'udp' } : {}),
      ...(dport !== undefined ? { dport: Number(dport) } : {}),
      ...(opt('--ctstate') !== undefined ? { established: true } : {}),
    };
    const key = table === 'nat' ? `nat:${chain}` : chain;
    const where = CHAIN_ORDER[key]!;
    const list = chains.get(key) ?? [];
    list.unshift({ hook: where.hook, match, verdict: VERDICTS[jump]!, ...(toPorts !== undefined ? { toPorts } : {}) });
    chains.set(key, list);
  }
  return [...chains.entries()].sort(([a], [b]) => CHAIN_ORDER[a]!.order - CHAIN_ORDER[b]!.order).flatMap(([, r]) => r);
}
