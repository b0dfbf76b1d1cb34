import { randomBytes } from 'node:crypto';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';
import type { DomainDevice } from '@tsvirt/conf';
import type { ContainerSpec } from '../conf/container-spec.js';
import type { VethPlan } from '../controller/launch-params.js';
import type { LxcContext } from './lxc-context.js';
import { acquirePort, type HeldPort } from './network-ports.js';

/** The veths made for a start, and the network ports behind them, for rollback and teardown. */
export interface HostNetwork {
  readonly plans: VethPlan[];
  readonly ports: HeldPort[];
}

type Nic = Extract<DomainDevice, { kind: 'interface' }>;

const unsupported = (msg: string) => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.LXC);

/**
 * Makes a veth pair per interface (libvirt's virLXCProcessSetupInterfaces): the host end named
 * by `<target dev>` or generated, plugged into the bridge (`bridge`, or the one of the network
 * port for `network`) or left alone (`ethernet`), and up. What was made is pushed to `out` as it
 * goes, so a failure half-way can be undone by the caller.
 */
export async function setupHostNetwork(drv: LxcContext, spec: ContainerSpec, out: HostNetwork): Promise<void> {
  for (const [i, nic] of spec.nics.entries()) await setupVeth(drv, spec, nic, `eth${i}`, out);
}

/** Makes the veth pair of one interface (its peer to be named `guest` in the container unless the XML names it). */
export async function setupVeth(drv: LxcContext, domain: { name: string; uuid: string }, nic: Nic, guest: string, out: HostNetwork): Promise<VethPlan> {
  const type = nic.type ?? 'ethernet';
  if (type !== 'bridge' && type !== 'ethernet' && type !== 'network') throw unsupported(`Unsupported network type ${type}`);
  const mac = nic.mac ?? '';
  let bridge = type === 'bridge' ? nic.source?.bridge : undefined;
  if (type === 'bridge' && !bridge) throw unsupported('No bridge name specified');
  if (type === 'network') {
    const got = await acquirePort(drv, nic.source?.network ?? '', mac, domain);
    out.ports.push(got.port);
    bridge = got.bridge;
  }
  const tag = randomBytes(4).toString('hex');
  const host = nic.target?.dev ?? `veth${tag}`;
  const peer = `vp${tag}`;
  await runCommand('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer], { domain: ErrorDomain.LXC });
  const plan: VethPlan = {
    host, peer, guest: nic.guestDev ?? guest, mac,
    ips: (nic.ips ?? []).map((ip) => ({ address: ip.address ?? '', prefix: ip.prefix, peer: ip.peer })),
    routes: (nic.routes ?? []).map((r) => ({ address: r.address ?? '', prefix: r.prefix, gateway: r.gateway ?? '' })),
  };
  out.plans.push(plan);
  if (bridge) await runCommand('ip', ['link', 'set', host, 'master', bridge], { domain: ErrorDomain.LXC });
  await runCommand('ip', ['link', 'set', host, 'up'], { domain: ErrorDomain.LXC });
  return plan;
}

/** Removes the host ends (their peers go with them) of a start that failed. */
export async function removeHostVeths(plans: readonly VethPlan[]): Promise<void> {
  for (const v of plans) await runCommand('ip', ['link', 'del', v.host]).catch(() => undefined);
}
