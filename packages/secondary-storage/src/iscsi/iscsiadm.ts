import { randomBytes } from 'node:crypto';

/** Runs `iscsiadm` with arguments and answers what it printed. */
export type Iscsiadm = (args: readonly string[]) => Promise<string>;

/** One iSCSI session as `iscsiadm --mode session` lists it. */
export interface IscsiSession {
  readonly id: string;
  readonly portal: string;
  readonly target: string;
}

/** The portal iscsiadm is given: `host:port,1` (IPv6 hosts in brackets), port 3260 unless named. */
export function portalOf(host: string, port?: number): string {
  const p = port || 3260;
  return host.includes(':') ? `[${host}]:${p},1` : `${host}:${p},1`;
}

export const SESSION_ARGS: readonly string[] = ['--mode', 'session'];

/** Parses `iscsiadm --mode session`: `tcp: [ID] PORTAL TARGET`, newer versions adding ` (non-flash)`. */
export function parseSessions(text: string): IscsiSession[] {
  const sessions: IscsiSession[] = [];
  for (const line of text.split('\n')) {
    const m = /^\S+: \[(\d+)\] (\S+) (\S+)(?: \(non-flash\))?\s*$/.exec(line);
    if (m) sessions.push({ id: m[1]!, portal: m[2]!, target: m[3]! });
  }
  return sessions;
}

/** sendtargets discovery of a portal; without an interface it records nothing (`--op nonpersistent`). */
export const scanArgs = (portal: string, iface?: string): string[] =>
  ['--mode', 'discovery', '--type', 'sendtargets', '--portal', portal, ...(iface ? ['--interface', iface] : ['--op', 'nonpersistent'])];

/** The targets sendtargets discovery printed (`PORTAL TARGET` per line). */
export function parseTargets(text: string): string[] {
  return text.split('\n').map((l) => l.trim().split(/\s+/)[1]).filter((t): t is string => t !== undefined);
}

export const loginArgs = (portal: string, target: string, iface?: string): string[] =>
  ['--mode', 'node', '--portal', portal, '--targetname', target, '--login', ...(iface ? ['--interface', iface] : [])];
export const logoutArgs = (portal: string, target: string): string[] =>
  ['--mode', 'node', '--portal', portal, '--targetname', target, '--logout'];
/** Rescans a session's LUNs. */
export const rescanArgs = (session: string): string[] => ['--mode', 'session', '-r', session, '-R'];

/** Interfaces by name and the initiator IQN each uses (`NAME transport,hwaddress,ipaddress,net_ifacename,initiatorname`). */
export function parseIfaces(text: string): Map<string, string | undefined> {
  const ifaces = new Map<string, string | undefined>();
  for (const line of text.split('\n')) {
    const [name, fields] = line.trim().split(/\s+/);
    if (!name || !fields) continue;
    const iqn = fields.split(',')[4];
    ifaces.set(name, iqn && iqn !== '<empty>' ? iqn : undefined);
  }
  return ifaces;
}

/** A new interface name as libvirt makes one: `libvirt-iface-` and 32 random bits in hex. */
export const newIfaceName = (): string => `libvirt-iface-${randomBytes(4).toString('hex')}`;

/**
 * Logs in to `target` through `portal` as libvirt does. Without an initiator IQN a plain node
 * login; with one, an interface carrying that IQN (made with `--op new` and `--op update` unless
 * one exists), a persistent discovery through it, then the login through it.
 */
export async function login(run: Iscsiadm, portal: string, target: string, initiator?: string, ifaceName = newIfaceName): Promise<void> {
  if (initiator === undefined) {
    await run(loginArgs(portal, target));
    return;
  }
  let iface = [...parseIfaces(await run(['--mode', 'iface']))].find(([, iqn]) => iqn === initiator)?.[0];
  if (iface === undefined) {
    iface = ifaceName();
    await run(['--mode', 'iface', '--interface', iface, '--op', 'new']);
    await run(['--mode', 'iface', '--interface', iface, '--op', 'update', '--name', 'iface.initiatorname', '--value', initiator]);
  }
  await run(scanArgs(portal, iface));
  await run(loginArgs(portal, target, iface));
}
