import { randomBytes } from 'node:crypto';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

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
export const logoutArgs = (portal: string, target: string, iface?: string): string[] =>
  ['--mode', 'node', '--portal', portal, '--targetname', target, '--logout', ...(iface ? ['--interface', iface] : [])];
/** Makes the static node record of a target whose IQN is known, which a login needs (libvirt does it at each start). */
export const nodeNewArgs = (portal: string, target: string): string[] =>
  ['--mode', 'node', '--portal', portal, '--targetname', target, '--op', 'new'];
/** Sets one setting of a target's node record (libvirt names the target `--target` here). */
export const nodeUpdateArgs = (portal: string, target: string, name: string, value: string): string[] =>
  ['--mode', 'node', '--portal', portal, '--target', target, '--op', 'update', '--name', name, '--value', value];
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

/** The interface whose initiator IQN is `iqn`, if one exists. */
async function ifaceOf(run: Iscsiadm, iqn: string): Promise<string | undefined> {
  return [...parseIfaces(await run(['--mode', 'iface']))].find(([, i]) => i === iqn)?.[0];
}

/**
 * The interface carrying an initiator IQN: an existing one, else one made with `--op new` and
 * `--op update`, checked for again, and given a sendtargets discovery through it (iscsiadm finds
 * no node records for an interface until one has gone through it).
 */
async function ifaceFor(run: Iscsiadm, portal: string, iqn: string, ifaceName: () => string): Promise<string> {
  const found = await ifaceOf(run, iqn);
  if (found !== undefined) return found;
  const name = ifaceName();
  await run(['--mode', 'iface', '--interface', name, '--op', 'new']);
  await run(['--mode', 'iface', '--interface', name, '--op', 'update', '--name', 'iface.initiatorname', '--value', iqn]);
  if ((await ifaceOf(run, iqn)) !== name) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Failed to find interface '${name}' with IQN '${iqn}' after attempting to create it`, ErrorDomain.STORAGE);
  }
  await run(scanArgs(portal, name));
  return name;
}

/**
 * Logs in to (or out of) `target` through `portal` as libvirt does: a plain node login without an
 * initiator IQN, else through the interface carrying that IQN (ifaceFor).
 */
async function connection(run: Iscsiadm, args: (iface?: string) => string[], portal: string, initiator: string | undefined, ifaceName: () => string): Promise<void> {
  await run(args(initiator === undefined ? undefined : await ifaceFor(run, portal, initiator, ifaceName)));
}

export const login = (run: Iscsiadm, portal: string, target: string, initiator?: string, ifaceName = newIfaceName): Promise<void> =>
  connection(run, (iface) => loginArgs(portal, target, iface), portal, initiator, ifaceName);
export const logout = (run: Iscsiadm, portal: string, target: string, initiator?: string, ifaceName = newIfaceName): Promise<void> =>
  connection(run, (iface) => logoutArgs(portal, target, iface), portal, initiator, ifaceName);
