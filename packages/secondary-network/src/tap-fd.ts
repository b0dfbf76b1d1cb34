import { spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.NETWORK;

/** Runs the tap helper (`helper/tap-fd.c`, built with `cc -O2 -static`) with `fds` as its descriptors 3, 4, ... */
function runHelper(helper: string, args: readonly string[], fds: readonly number[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(helper, args, { stdio: ['ignore', 'pipe', 'pipe', ...fds] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => reject(new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${helper}: ${e.message}`, D, { cause: e })));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new VirError(ErrorCode.SYSTEM_ERROR, err.trim() || `${helper} failed`, D))));
  });
}

/** A tap device held open: the descriptor to hand to QEMU (`-netdev tap,fd=N`), and the name the kernel gave. */
export interface OpenTap {
  readonly file: FileHandle;
  readonly name: string;
}

/**
 * Opens the tap `name` (made when missing, `%d` in the name numbered by the kernel) and answers
 * its descriptor, as libvirt's virNetDevTapCreate does. Node opens /dev/net/tun itself and the
 * helper only makes the TUNSETIFF ioctl on that open file, which Node cannot: the descriptor
 * stays this process's. The tap goes away when the last descriptor on it closes.
 */
export async function openTap(helper: string, name: string, opts: { vnetHdr?: boolean } = {}): Promise<OpenTap> {
  const file = await open('/dev/net/tun', 'r+');
  try {
    return { file, name: await runHelper(helper, ['attach', name, ...(opts.vnetHdr ? ['vnet_hdr'] : [])], [file.fd]) };
  } catch (e) {
    await file.close();
    throw e;
  }
}

/**
 * Sends `payload` on the connected unix socket `socketFd` with descriptor `fd` attached
 * (SCM_RIGHTS), which Node's sockets cannot: how a running QEMU gets a tap for hotplug, with
 * payload `{"execute":"getfd","arguments":{"fdname":"NAME"}}` on its QMP socket. The answer comes
 * on the socket as any QMP reply does.
 */
export async function sendFd(helper: string, socketFd: number, fd: number, payload: string): Promise<void> {
  await runHelper(helper, ['send', payload], [socketFd, fd]);
}
