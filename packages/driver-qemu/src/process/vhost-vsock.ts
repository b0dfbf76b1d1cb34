/**
 * The vsock device's host side, as libvirt opens it before QEMU starts: `/dev/vhost-vsock`,
 * with the guest's context id set on it (VHOST_VSOCK_SET_GUEST_CID), the first free one from 3
 * for `<cid auto='yes'/>`. QEMU gets the descriptor (`vhostfd`).
 */
import { closeSync, constants, openSync } from 'node:fs';
import type { DeviceOf, DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { perlWithFds } from './fd-helper.js';

/** Where the kernel's vhost-vsock driver is (CONFIG_VHOST_VSOCK); a test may point it at another file (`TSVIRT_VHOST_VSOCK`). */
export const vhostVsockPath = (): string => process.env['TSVIRT_VHOST_VSOCK'] ?? '/dev/vhost-vsock';

/** linux/vhost.h: _IOW(VHOST_VIRTIO, 0x60, __u64). */
const SET_GUEST_CID = 0x4008af60;
/** EADDRINUSE on Linux: the id is another guest's, so an automatic one tries the next. */
const EADDRINUSE = 98;

/** Sets the id given (or, for `auto`, the first free one from 3) on the inherited fd 3; prints it. */
const SET_CID = `my ($cid) = @ARGV;
open(my $v, '+<&=', 3) or die "set:$!\\n";
if ($cid eq 'auto') {
  for ($cid = 3; !ioctl($v, ${SET_GUEST_CID}, pack('Q', $cid)); $cid++) { die "acquire:$!\\n" if $! + 0 != ${EADDRINUSE}; }
} else {
  ioctl($v, ${SET_GUEST_CID}, pack('Q', $cid)) or die "set:$!\\n";
}
print $cid;`;

/** An open `/dev/vhost-vsock` with the guest's context id set: the caller passes it to QEMU and closes it. */
export interface OpenedVsock {
  readonly fd: number;
  readonly cid: number;
}

/** Opens the vsock device's host side, in libvirt's words when the host has none or the id is taken. */
export async function openVhostVsock(vsock: DeviceOf<'vsock'>): Promise<OpenedVsock> {
  let fd: number;
  try {
    fd = openSync(vhostVsockPath(), constants.O_RDWR);
  } catch {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'unable to open vhost-vsock device', ErrorDomain.QEMU);
  }
  try {
    const out = await perlWithFds(SET_CID, [vsock.cid?.auto === true ? 'auto' : String(vsock.cid?.address ?? 0)], [fd]);
    return { fd, cid: Number(out) };
  } catch (e) {
    closeSync(fd);
    const [step, reason] = (e as Error).message.split(/:(.*)/s) as [string, string | undefined];
    throw new VirError(ErrorCode.SYSTEM_ERROR, `failed to ${step === 'acquire' ? 'acquire' : 'set'} guest cid: ${reason ?? step}`, ErrorDomain.NONE);
  }
}

/** The live definition shows the context id the vsock device got, as libvirt's does (`<cid auto='yes' address='3'/>`). */
export function recordVsockCid(def: DomainDef, cid: number): void {
  const v = devicesOf(def.devices, 'vsock')[0];
  if (v) writeBack(def, { ...v, cid: { ...v.cid, address: cid } });
}
