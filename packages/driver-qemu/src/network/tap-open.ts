/**
 * Taps opened by the driver, as libvirt opens them for QEMU: /dev/net/tun attached to a tap of the
 * chosen name (TUNSETIFF), not persistent, so the tap lives exactly as long as a descriptor of it
 * is open: the driver's until QEMU has inherited its own, then QEMU's. vhost-net is opened too
 * for a virtio NIC, unless its driver says `qemu`.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { perlWithFds } from '../process/fd-helper.js';

const D = ErrorDomain.QEMU;

/** linux/if_tun.h: the request and the flags libvirt gives a QEMU tap. */
const TUNSETIFF = 0x400454ca;
const IFF_TAP = 0x0002;
const IFF_NO_PI = 0x1000;
const IFF_VNET_HDR = 0x4000;
const IFF_MULTI_QUEUE = 0x0100;

/** Attaches each inherited descriptor (fd 3 on) to the tap named by its first argument, with the flags of its second (struct ifreq: name[16], flags). */
const SETIFF = `my ($name, $flags, $n) = @ARGV;
for my $fd (3 .. 2 + $n) {
  open(my $t, '+<&=', $fd) or die "$!\\n";
  ioctl($t, ${TUNSETIFF}, pack('Z16 s x22', $name, $flags)) or die "$!\\n";
}`;

/** What a tap needs from its interface definition. */
export interface TapSpec {
  /** A virtio NIC: the tap carries virtio-net headers (IFF_VNET_HDR). */
  readonly vnetHdr: boolean;
  /** Its queues (`<driver queues>`): one descriptor each, a multiqueue tap when more than one. */
  readonly queues: number;
}

/** Descriptors opened here; a failure part way closes those already open. */
function openAll(count: number, open: () => number): number[] {
  const fds: number[] = [];
  try {
    while (fds.length < count) fds.push(open());
  } catch (e) {
    for (const fd of fds) closeSync(fd);
    throw e;
  }
  return fds;
}

/**
 * Opens /dev/net/tun once per queue, attached to the tap `name`, made now unless it exists (a
 * persistent tap, as `managed='no'` names one). Fails with libvirt's words; nothing stays open then.
 */
export async function openTap(name: string, spec: TapSpec): Promise<number[]> {
  const fds = openAll(spec.queues, () => openSync('/dev/net/tun', 'r+'));
  const flags = IFF_TAP | IFF_NO_PI | (spec.vnetHdr ? IFF_VNET_HDR : 0) | (spec.queues > 1 ? IFF_MULTI_QUEUE : 0);
  try {
    await perlWithFds(SETIFF, [name, String(flags), String(fds.length)], fds);
    return fds;
  } catch (e) {
    for (const fd of fds) closeSync(fd);
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Unable to create tap device ${name}: ${(e as Error).message}`, D, { cause: e });
  }
}

/** The host's vhost-net device. */
const VHOST_NET = '/dev/vhost-net';

/**
 * vhost-net for a virtio NIC, one per queue, as libvirt opens it: when its driver is not `qemu` and
 * the host has it; a driver that asks for `vhost` on a host without it is refused in libvirt's words.
 */
export function openVhostNet(model: string | undefined, driver: string | undefined, queues: number): number[] {
  if (model !== 'virtio' || driver === 'qemu') return [];
  if (!existsSync(VHOST_NET)) {
    if (driver === 'vhost') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'vhost-net was requested for an interface, but is unavailable', D);
    return [];
  }
  try {
    return openAll(queues, () => openSync(VHOST_NET, 'r+'));
  } catch (e) {
    if (driver === 'vhost') throw new VirError(ErrorCode.SYSTEM_ERROR, `Unable to open ${VHOST_NET}: ${(e as Error).message}`, D, { cause: e });
    return [];
  }
}
