import { formatNetworkXML, networkSetup, updateNetworkDef, NetworkUpdateSection as S, type NetworkDef } from '@tsvirt/conf';
import { NetworkUpdateFlags as U } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { reloadDnsmasq, stopDnsmasq } from './dnsmasq-process.js';
import type { NetworkPaths } from './network-paths.js';
import { restartDnsmasq } from './network-reload.js';
import { needsDnsmasq, writeDnsmasqFiles } from './network-start.js';
import { isActive, saveConfig, saveStatus, type NetworkObject } from './network-store.js';

const D = ErrorDomain.NETWORK;

/** Sections a running dnsmasq takes by re-reading its hosts files (SIGHUP); other dnsmasq sections need a restart. */
const RELOADED = new Set<number>([S.IP_DHCP_HOST, S.DNS_HOST]);
const RESTARTED = new Set<number>([S.IP_DHCP_RANGE, S.DNS_TXT, S.DNS_SRV]);

/** libvirt's rule for AFFECT_CURRENT: the live network while it runs, else its config. */
function resolveFlags(obj: NetworkObject, flags: number): number {
  checkFlags(flags, U.AFFECT_LIVE | U.AFFECT_CONFIG, 'networkUpdate', D);
  if (flags === U.AFFECT_CURRENT) return isActive(obj) ? U.AFFECT_LIVE : U.AFFECT_CONFIG;
  if (flags & U.AFFECT_LIVE && !isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'network is not running', D);
  if (flags & U.AFFECT_CONFIG && !obj.config) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot change persistent config of a transient network', D);
  }
  return flags;
}

/**
 * virNetworkUpdate on a root's network: the config file and/or the running network. A live change
 * to DHCP hosts or DNS hosts rewrites dnsmasq's hosts files and sends SIGHUP; a change to ranges,
 * TXT or SRV records rewrites its config and restarts it; other sections cannot change live.
 */
export async function updateNetwork(paths: NetworkPaths, obj: NetworkObject, command: number, section: number, parentIndex: number,
  xml: string, flags: number): Promise<void> {
  const affect = resolveFlags(obj, flags);
  let live: NetworkDef | undefined;
  if (affect & U.AFFECT_LIVE) {
    if (!RELOADED.has(section) && !RESTARTED.has(section)) {
      throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `can't update '${sectionName(section)}' section of network '${obj.def.name}' while it is running`, D);
    }
    live = updateNetworkDef(obj.def, command, section, parentIndex, xml);
  }
  const config = affect & U.AFFECT_CONFIG ? updateNetworkDef(obj.config!, command, section, parentIndex, xml) : undefined;
  if (config) await saveConfig(paths, config);
  if (!live || !isActive(obj)) return;
  const setup = networkSetup(live);
  await saveStatus(paths, live.name, { ...obj.status, xml: formatNetworkXML(live) });
  const running = { ...obj, def: live, status: { ...obj.status, xml: formatNetworkXML(live) } };
  if (!needsDnsmasq(setup)) return;
  await writeDnsmasqFiles(paths, setup);
  if (RELOADED.has(section) && obj.status.dnsmasq && (await reloadDnsmasq(obj.status.dnsmasq))) return;
  if (obj.status.dnsmasq) await stopDnsmasq(obj.status.dnsmasq);
  await restartDnsmasq(paths, running);
}

const SECTION_NAMES: Record<number, string> = {
  [S.BRIDGE]: 'bridge', [S.DOMAIN]: 'domain', [S.IP]: 'ip', [S.FORWARD]: 'forward', [S.FORWARD_INTERFACE]: 'forward-interface',
  [S.FORWARD_PF]: 'forward-pf', [S.PORTGROUP]: 'portgroup',
};
const sectionName = (section: number): string => SECTION_NAMES[section] ?? String(section);
