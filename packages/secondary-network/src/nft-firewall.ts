import { runTool } from './host-command.js';
import type { FirewallHook, FirewallMatch, FirewallRule } from './firewall-rules.js';

/** The nftables base chain of each hook: filter chains run just before the default filter priority. */
const CHAINS: Record<FirewallHook, string> = {
  input: 'type filter hook input priority -1; policy accept;',
  output: 'type filter hook output priority -1; policy accept;',
  forward: 'type filter hook forward priority -1; policy accept;',
  postrouting: 'type nat hook postrouting priority 99; policy accept;',
};

/** The name of a network's table: one `inet` table per network, named after its UUID. */
export const firewallTable = (uuid: string): string => `tsvirt_net_${uuid.replace(/-/g, '')}`;

function matchText(m: FirewallMatch): string {
  const ip = m.family === 'ipv4' ? 'ip' : 'ip6';
  const parts = [`meta nfproto ${m.family}`];
  if (m.iif !== undefined) parts.push(`iifname "${m.iif}"`);
  if (m.oif !== undefined) parts.push(`oifname "${m.oif}"`);
  if (m.saddr !== undefined) parts.push(`${ip} saddr ${m.saddr}`);
  if (m.daddr !== undefined) parts.push(`${ip} daddr ${m.daddr}`);
  if (m.notDaddr !== undefined) parts.push(`${ip} daddr != ${m.notDaddr}`);
  if (m.proto !== undefined) parts.push(m.dport !== undefined ? `${m.proto} dport ${m.dport}` : `meta l4proto ${m.proto}`);
  if (m.established) parts.push('ct state established,related');
  return parts.join(' ');
}

function ruleText(r: FirewallRule): string {
  const verdict = r.verdict === 'masquerade' && r.toPorts ? `masquerade to :${r.toPorts}` : r.verdict;
  return `${matchText(r.match)} ${verdict}`;
}

/**
 * The nft script that installs a network's table, replacing any left from before in the same
 * transaction (so a half-applied firewall never exists).
 */
export function nftScript(table: string, rules: readonly FirewallRule[]): string {
  const hooks = (Object.keys(CHAINS) as FirewallHook[]).filter((h) => rules.some((r) => r.hook === h));
  const chains = hooks.map((h) => {
    const body = rules.filter((r) => r.hook === h).map((r) => `    ${ruleText(r)}\n`).join('');
    return `  chain ${h} {\n    ${CHAINS[h]}\n${body}  }\n`;
  });
  return `add table inet ${table}\ndelete table inet ${table}\ntable inet ${table} {\n${chains.join('')}}\n`;
}

export async function installFirewall(table: string, rules: readonly FirewallRule[]): Promise<void> {
  await runTool('nft', ['-f', '-'], { input: nftScript(table, rules) });
}

/** Removes a network's table; a table already gone is not an error. */
export async function removeFirewall(table: string): Promise<void> {
  await runTool('nft', ['-f', '-'], { input: `add table inet ${table}\ndelete table inet ${table}\n` });
}
