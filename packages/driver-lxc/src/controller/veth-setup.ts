import { runCommand } from '@tsvirt/util';
import { SETUP_FAILURE, type LaunchParams, type VethPlan } from './launch-params.js';

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
    await configureIn(pid, v.guest, v.ips, v.routes);
  }
}

/** Gives an interface inside the container its addresses, brings it up, then adds its routes. */
async function configureIn(pid: number, dev: string, ips: VethPlan['ips'], routes: VethPlan['routes']): Promise<void> {
  for (const ip of ips) {
    const addr = `${ip.address}/${ip.prefix ?? (ip.address.includes(':') ? 64 : 24)}`;
    await ipIn(pid, ['addr', 'add', addr, ...(ip.peer ? ['peer', ip.peer] : []), 'dev', dev]);
  }
  await ipIn(pid, ['link', 'set', dev, 'up']);
  for (const r of routes) {
    const dest = r.address === '0.0.0.0' || r.address === '::' ? 'default' : `${r.address}/${r.prefix ?? 24}`;
    await ipIn(pid, ['route', 'add', dest, 'via', r.gateway, 'dev', dev]);
  }
}

/** One host interface given to the container (`<hostdev type='net'>`). */
type HostNet = LaunchParams['hostNets'][number];

/**
 * Moves each host interface into the container's network namespace, keeping its name, with its
 * addresses and routes, and up (libvirt's virLXCProcessSetupInterfaces for hostdevs).
 */
export async function moveHostNetsIn(nets: readonly HostNet[], pid: number): Promise<void> {
  for (const n of nets) {
    // libvirt_lxc's own set-up step: its failure is worded as one.
    await runCommand('ip', ['link', 'set', n.name, 'netns', String(pid)]).catch((e: Error) => {
      throw new Error(`${SETUP_FAILURE}${e.message}`);
    });
    await configureIn(pid, n.name, n.ips, n.routes);
  }
}

/**
 * Moves the host interfaces back from a container's network namespace (held open by `nsFd` in
 * this process, so it outlives the container's processes) to this process's own.
 */
export async function moveHostNetsOut(nets: readonly HostNet[], nsFd: number): Promise<void> {
  for (const n of nets) {
    await runCommand('nsenter', [`--net=/proc/${process.pid}/fd/${nsFd}`, 'ip', 'link', 'set', n.name, 'netns', String(process.pid)]).catch(() => undefined);
  }
}
