import type { NetworkBandwidthSetup } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { runTool } from './host-command.js';

const D = ErrorDomain.NETWORK;

/** tc's burst is a 32-bit count of bytes: libvirt caps it at that many KiB. */
const MAX_BURST_KB = 4194303;

/**
 * The bytes an htb class sends per round: its rate in bytes per second over a 1500-byte MTU, at
 * least 1 (libvirt sets it so that tc does not warn about quantum being too small or big).
 */
const quantum = (kbps: number): number => Math.max(1, Math.floor(Math.floor((kbps * 1024) / 8) / 1500));

/**
 * The tc commands that give a network's bridge its `<bandwidth>`, in libvirt 9.0's order and
 * words (virNetDevBandwidthSet with a hierarchical class, directions swapped: what enters the
 * network leaves the bridge). `<inbound>` (with an average) shapes what the bridge sends to the
 * guests: an htb root qdisc whose class 1:1 holds the whole rate, class 1:2 under it for every
 * guest without a floor (the htb default), an sfq qdisc on 1:2 and the filter that libvirt adds
 * for marked traffic. `<outbound>` polices what the guests send: an ingress qdisc and a u32
 * filter that drops what exceeds the rate.
 */
export function bandwidthCommands(dev: string, bw: NetworkBandwidthSetup): string[][] {
  const cmds: string[][] = [];
  const tx = bw.inbound;
  if (tx?.average) {
    const average = `${tx.average}kbps`;
    const peak = tx.peak ? `${tx.peak}kbps` : undefined;
    const q = ['quantum', String(quantum(tx.average))];
    cmds.push(
      ['qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '2'],
      ['class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', average, 'ceil', peak ?? average, ...q],
      ['class', 'add', 'dev', dev, 'parent', '1:1', 'classid', '1:2', 'htb', 'rate', average,
        ...(peak ? ['ceil', peak] : []), ...(tx.burst ? ['burst', `${tx.burst}kb`] : []), ...q],
      ['qdisc', 'add', 'dev', dev, 'parent', '1:2', 'handle', '2:', 'sfq', 'perturb', '10'],
      ['filter', 'add', 'dev', dev, 'parent', '1:0', 'protocol', 'all', 'prio', '1', 'handle', '1', 'fw', 'flowid', '1'],
    );
  }
  const rx = bw.outbound;
  if (rx) {
    const average = rx.average ?? 0;
    const burst = Math.min(rx.burst || average, MAX_BURST_KB);
    cmds.push(
      ['qdisc', 'add', 'dev', dev, 'ingress'],
      ['filter', 'add', 'dev', dev, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0',
        'police', 'rate', `${average}kbps`, 'burst', `${burst}kb`, 'mtu', '64kb', 'drop', 'flowid', ':1'],
    );
  }
  return cmds;
}

/**
 * libvirt's parse-time rules for a network's `<bandwidth>`: no floor (that is for ports), and
 * every direction given names an average.
 */
export function checkNetworkBandwidth(bw: NetworkBandwidthSetup | undefined): void {
  for (const dir of [bw?.inbound, bw?.outbound]) {
    if (!dir) continue;
    if (dir.floor !== undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'floor attribute is not supported for this config', D);
    if (dir.average === undefined) throw new VirError(ErrorCode.XML_DETAIL, 'Missing mandatory average or floor attributes', D);
  }
}

/**
 * libvirt's checks of a port's `<bandwidth>` against its network (networkCheckBandwidth): a floor
 * only inbound, only on a network with inbound QoS, and all floors within its average. The bridge
 * side of a floor (a class per port) is refused: see the README.
 */
export function checkPortBandwidth(port: { mac: string; bandwidth?: NetworkBandwidthSetup }, network: { name: string; bridge: string; bandwidth?: NetworkBandwidthSetup },
  floors: readonly number[]): void {
  if (port.bandwidth?.outbound?.floor !== undefined) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "'floor' attribute allowed only in <inbound> element", D);
  }
  const floor = port.bandwidth?.inbound?.floor;
  if (!floor) return;
  const net = network.bandwidth?.inbound;
  if (!net) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED,
      `Invalid use of 'floor' on interface with MAC address ${port.mac} - network '${network.name}' has no inbound QoS set`, D);
  }
  const total = floors.reduce((a, b) => a + b, floor);
  const average = net.average ?? 0;
  if (total > average) {
    throw new VirError(ErrorCode.OPERATION_INVALID, `Cannot plug '${port.mac}' interface into '${network.bridge}' because new combined inbound floor=${total} would overcommit average=${average} on network '${network.name}'`, D);
  }
  throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `'floor' of the port of interface ${port.mac} on network '${network.name}' is not supported by this driver yet`, D);
}

/** Whether a `<bandwidth>` asks for anything: libvirt does nothing at all for an empty one. */
export const hasBandwidth = (bw: NetworkBandwidthSetup | undefined): bw is NetworkBandwidthSetup =>
  bw?.inbound !== undefined || bw?.outbound !== undefined;

/** Removes every qdisc `<bandwidth>` may have set on `dev` (a missing one is no error, as in libvirt). */
export async function clearBandwidth(dev: string): Promise<void> {
  for (const where of ['root', 'ingress']) await runTool('tc', ['qdisc', 'del', 'dev', dev, where], { okExitCodes: [0, 1, 2] });
}

/**
 * Sets a network's `<bandwidth>` on `dev`, one tc command at a time so that a refusal (a kernel
 * without sfq, fw or police) names the command as libvirt's does. `fresh`: the bridge was just
 * made, so there is nothing to clear first. On failure what was set is cleared again.
 */
export async function setBandwidth(dev: string, bw: NetworkBandwidthSetup, fresh: boolean): Promise<void> {
  if (!fresh) await clearBandwidth(dev);
  try {
    for (const args of bandwidthCommands(dev, bw)) await runTool('tc', args);
  } catch (e) {
    await clearBandwidth(dev).catch(() => undefined);
    throw e;
  }
}
