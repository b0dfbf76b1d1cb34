import { runCommand } from '@tsvirt/util';
import type { VethPlan } from './launch-params.js';

/** Runs `ip` inside the network namespace of `pid`. */
function ipIn(pid: number, args: string[]): Promise<unknown> {
  return runCommand('nsenter', ['-t', String(pid), '-n', 'ip', ...args]);
}

/**
 * Moves each veth peer into the container's network namespace and sets it up there as the
 * domain says: its guest name, MAC, addresses and routes (libvirt's
 * lxcContainerRenameAndEnableInterfaces). (The helper brings the loopback up itself.)
 */
export async function moveVethsIn(veths: readonly VethPlan[], pid: number): Promise<void> {
  for (const v of veths) {
    await runCommand('ip', ['link', 'set', v.peer, 'netns', String(pid)]);
    await ipIn(pid, ['link', 'set', v.peer, 'name', v.guest]);
    await ipIn(pid, ['link', 'set', v.guest, 'address', v.mac]);
    for (const ip of v.ips) {
      const addr = `${ip.address}/${ip.prefix ?? (ip.address.includes(':') ? 64 : 24)}`;
      await ipIn(pid, ['addr', 'add', addr, ...(ip.peer ? ['peer', ip.peer] : []), 'dev', v.guest]);
    }
    await ipIn(pid, ['link', 'set', v.guest, 'up']);
    for (const r of v.routes) {
      const dest = r.address === '0.0.0.0' || r.address === '::' ? 'default' : `${r.address}/${r.prefix ?? 24}`;
      await ipIn(pid, ['route', 'add', dest, 'via', r.gateway, 'dev', v.guest]);
    }
  }
}
