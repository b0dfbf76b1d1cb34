import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseIP, subnetsOverlap, type NetworkSetup } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { runTool } from './host-command.js';

const D = ErrorDomain.NETWORK;

/**
 * Whether a network interface of that name exists in this network namespace. Read from
 * `/proc/net/dev`, which always shows the reader's namespace: `/sys/class/net` shows the one
 * sysfs was mounted in, the host's under `nsenter --net`.
 */
export function interfaceExists(name: string): boolean {
  const dev = readFileSync('/proc/net/dev', 'utf8');
  return dev.split('\n').slice(2).some((l) => l.slice(0, l.indexOf(':')).trim() === name);
}

/** Runs `ip` commands in one batch (one process for the whole set). */
export async function ipBatch(lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  await runTool('ip', ['-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** Routes of this namespace as [address, prefix, device] from `/proc/net/route` and `/proc/net/ipv6_route`. */
async function hostRoutes(): Promise<Array<{ addr: string; prefix: number; dev: string }>> {
  const routes: Array<{ addr: string; prefix: number; dev: string }> = [];
  const v4 = await readFile('/proc/net/route', 'utf8').catch(() => '');
  for (const line of v4.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const le = (hex: string): number[] => [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).reverse();
    const addr = le(f[1]!).join('.');
    const mask = le(f[7]!).reduce((n, b) => n * 256 + b, 0);
    if (addr === '0.0.0.0' && mask === 0) continue;
    routes.push({ addr, prefix: 32 - Math.log2(2 ** 32 - mask), dev: f[0]! });
  }
  const v6 = await readFile('/proc/net/ipv6_route', 'utf8').catch(() => '');
  for (const line of v6.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const prefix = parseInt(f[1]!, 16);
    if (prefix === 0 || f[9] === 'lo') continue;
    routes.push({ addr: f[0]!.match(/.{4}/g)!.join(':'), prefix, dev: f[9]! });
  }
  return routes;
}

/**
 * Refuses a network whose subnets another interface already routes (another active network's
 * bridge, or a host route), as libvirt's networkCheckRouteCollision does.
 */
export async function checkRouteCollision(def: NetworkSetup): Promise<void> {
  const routes = await hostRoutes();
  for (const ip of def.ips) {
    const mine = parseIP(ip.address);
    if (!mine || ip.prefix === 0) continue;
    for (const r of routes) {
      const theirs = parseIP(r.addr);
      if (!theirs || r.dev === def.bridge || !subnetsOverlap(mine, ip.prefix, theirs, r.prefix)) continue;
      if (mine.bits === 32) throw new VirError(ErrorCode.INTERNAL_ERROR, `Network is already in use by interface ${r.dev}`, D);
      throw new VirError(ErrorCode.INTERNAL_ERROR, `Route address '${r.addr}' conflicts with IP address for '${ip.address}'`, D);
    }
  }
}

/** Turns on IP forwarding for the families a forwarding network routes. */
export async function enableForwarding(def: NetworkSetup): Promise<void> {
  const set = async (path: string): Promise<void> => {
    if ((await readFile(path, 'utf8').catch(() => '')).trim() === '1') return;
    await writeFile(path, '1\n').catch((e: unknown) => {
      throw systemError(`cannot enable ${path}`, e as NodeJS.ErrnoException, D);
    });
  };
  await set('/proc/sys/net/ipv4/ip_forward');
  if (def.ips.some((i) => i.family === 'ipv6')) await set('/proc/sys/net/ipv6/conf/all/forwarding');
}

/** The commands that make and configure a network's bridge, up with its addresses and routes. */
export function bridgeCommands(def: NetworkSetup, br: string): string[] {
  const lines = [`link add ${br} type bridge stp_state ${def.stp ? 1 : 0} forward_delay ${def.delay * 100}`];
  if (def.mac !== undefined) lines.push(`link set ${br} address ${def.mac}`);
  if (def.mtu !== undefined) lines.push(`link set ${br} mtu ${def.mtu}`);
  for (const ip of def.ips) {
    lines.push(ip.family === 'ipv4'
      ? `addr add ${ip.address}/${ip.prefix} broadcast + dev ${br}`
      : `addr add ${ip.address}/${ip.prefix} dev ${br} nodad`);
  }
  lines.push(`link set ${br} up`);
  for (const r of def.routes) lines.push(`route add ${r.address}/${r.prefix} via ${r.gateway} dev ${br}`);
  return lines;
}

/** Removes a bridge we made; one already gone is not an error. */
export async function deleteBridge(br: string): Promise<void> {
  if (interfaceExists(br)) await runTool('ip', ['link', 'del', br]);
}
