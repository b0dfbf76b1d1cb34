import { ErrorDomain, runCommand } from '@tsvirt/util';
import type { DeviceOf } from '../devices/typed-devices.js';

/** An interface's `<bandwidth>`: averages and peaks in KiB/s, bursts in KiB. */
export type Bandwidth = NonNullable<DeviceOf<'interface'>['bandwidth']>;
type Rate = NonNullable<Bandwidth['inbound']>;

const tc = (args: readonly string[]): Promise<unknown> => runCommand('tc', args, { domain: ErrorDomain.QEMU });

/**
 * The tc commands that put a bandwidth on a tap, as libvirt's virNetDevBandwidthSet: the guest's
 * inbound traffic leaves the tap, so it is shaped by an htb class on the tap's root; its outbound
 * traffic enters the tap, so it is policed on the ingress qdisc (the burst defaults to the average).
 */
export function bandwidthCommands(tap: string, bw: Bandwidth | undefined): string[][] {
  const cmds: string[][] = [];
  const shaped = bw?.inbound;
  if (shaped?.average) {
    cmds.push(
      ['qdisc', 'add', 'dev', tap, 'root', 'handle', '1:', 'htb', 'default', '1'],
      ['class', 'add', 'dev', tap, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', `${shaped.average}kbps`,
        ...(shaped.peak ? ['ceil', `${shaped.peak}kbps`] : []), ...(shaped.burst ? ['burst', `${shaped.burst}kb`] : [])],
      ['qdisc', 'add', 'dev', tap, 'parent', '1:1', 'handle', '2:', 'sfq', 'perturb', '10'],
      ['filter', 'add', 'dev', tap, 'parent', '1:0', 'protocol', 'all', 'prio', '1', 'handle', '1', 'fw', 'flowid', '1'],
    );
  }
  const policed: Rate | undefined = bw?.outbound;
  if (policed?.average) {
    cmds.push(
      ['qdisc', 'add', 'dev', tap, 'ingress'],
      ['filter', 'add', 'dev', tap, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'police', 'rate',
        `${policed.average}kbps`, 'burst', `${policed.burst ?? policed.average}kb`, 'mtu', '64kb', 'drop', 'flowid', ':1'],
    );
  }
  return cmds;
}

/** Removes whatever shaping the tap has (a tap without any refuses the deletion: that is fine). */
async function clearBandwidth(tap: string): Promise<void> {
  for (const where of ['root', 'ingress']) await tc(['qdisc', 'del', 'dev', tap, where]).catch(() => undefined);
}

/**
 * Replaces the tap's shaping by `bw`. Without an inbound limit the tap's root qdisc is set back to
 * `noqueue`, as a tap has by default, so that guest traffic is not queued behind a leftover class.
 */
export async function setTapBandwidth(tap: string, bw: Bandwidth | undefined): Promise<void> {
  await clearBandwidth(tap);
  for (const args of bandwidthCommands(tap, bw)) await tc(args);
  if (!bw?.inbound?.average) await tc(['qdisc', 'add', 'dev', tap, 'root', 'handle', '0:', 'noqueue']).catch(() => undefined);
}
