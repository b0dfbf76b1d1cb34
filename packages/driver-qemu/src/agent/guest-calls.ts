import { IPAddrType, type DomainInterface, type DomainIPAddress, type DomainTime } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { checkReply } from './agent-client.js';
import type { DomainAgent } from './agent-access.js';

const D = ErrorDomain.QEMU;
const NS = 1_000_000_000n;

const bad = (what: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, what, D);

/** virDomainGetTime: guest-get-time's nanoseconds, read from the reply's text so none are lost. */
export async function guestTime(agent: DomainAgent): Promise<DomainTime> {
  const cmd = { execute: 'guest-get-time' };
  const reply = checkReply(cmd, await agent.client.send(cmd, agent.timeout, { syncSeconds: agent.timeout }));
  const digits = /"return"\s*:\s*(-?\d+)\s*[,}]/.exec(reply.text ?? '')?.[1];
  if (digits === undefined) throw bad('malformed return value');
  const ns = BigInt(digits);
  return { seconds: ns / NS, nseconds: Number(ns % NS) };
}

/** virDomainSetTime: the guest clock to `time`, or (`time` undefined) from the guest's own RTC. */
export async function setGuestTime(agent: DomainAgent, time: DomainTime | undefined): Promise<void> {
  if (time === undefined) return void (await agent.run('guest-set-time'));
  if (time.seconds > 9_223_372_036n) throw new VirError(ErrorCode.INVALID_ARG, `Time '${time.seconds}' is too big for guest agent`, D);
  await agent.run('guest-set-time', { time: time.seconds * NS + BigInt(time.nseconds) });
}

/** The guest's hostname (guest-get-host-name). */
export async function guestHostname(agent: DomainAgent): Promise<string> {
  const data = await agent.run<{ 'host-name'?: unknown } | undefined>('guest-get-host-name');
  if (typeof data?.['host-name'] !== 'string') throw bad("'host-name' missing in guest-get-host-name reply");
  return data['host-name'];
}

/** virDomainSetUserPassword: the password goes base64-encoded, `crypted` when it is a crypt(3) hash already. */
export async function setUserPassword(agent: DomainAgent, user: string, password: string, crypted: boolean): Promise<void> {
  await agent.run('guest-set-user-password', { username: user, password: Buffer.from(password).toString('base64'), crypted });
}

/** virDomainAuthorizedSSHKeysGet: the user's authorized keys. */
export async function authorizedKeys(agent: DomainAgent, user: string): Promise<string[]> {
  const data = await agent.run<{ keys?: unknown } | undefined>('guest-ssh-get-authorized-keys', { username: user });
  if (!Array.isArray(data?.keys) || !data.keys.every((k) => typeof k === 'string')) throw bad('malformed return value');
  return data.keys as string[];
}

/** virDomainAuthorizedSSHKeysSet: keys removed, added, or (`reset`) made the only ones. */
export async function setAuthorizedKeys(agent: DomainAgent, user: string, keys: readonly string[], op: 'remove' | 'append' | 'reset'): Promise<void> {
  if (op === 'remove') await agent.run('guest-ssh-remove-authorized-keys', { username: user, keys });
  else await agent.run('guest-ssh-add-authorized-keys', { username: user, keys, reset: op === 'reset' });
}

/** One interface as guest-network-get-interfaces reports it. */
interface AgentInterface {
  readonly name?: unknown;
  readonly 'hardware-address'?: unknown;
  readonly 'ip-addresses'?: ReadonlyArray<{ readonly 'ip-address-type'?: unknown; readonly 'ip-address'?: unknown; readonly prefix?: unknown }>;
}

function addressOf(a: NonNullable<AgentInterface['ip-addresses']>[number]): DomainIPAddress {
  const kind = a['ip-address-type'];
  if (kind !== 'ipv4' && kind !== 'ipv6') throw bad(`unknown ip address type '${String(kind)}'`);
  if (typeof a['ip-address'] !== 'string') throw bad("qemu agent didn't provide 'ip-address' field");
  if (typeof a.prefix !== 'number') throw bad("malformed 'prefix' field");
  return { type: kind === 'ipv4' ? IPAddrType.IPV4 : IPAddrType.IPV6, addr: a['ip-address'], prefix: a.prefix };
}

/**
 * The guest's interfaces and addresses (guest-network-get-interfaces), as libvirt lists them: an
 * alias (`eth0:1`) adds its addresses to its interface rather than being one.
 */
export async function guestInterfaces(agent: DomainAgent): Promise<DomainInterface[]> {
  const data = await agent.run<unknown>('guest-network-get-interfaces');
  if (!Array.isArray(data)) throw bad('qemu agent didn\'t return an array of interfaces');
  const out: Array<{ name: string; hwaddr: string | undefined; addrs: DomainIPAddress[] }> = [];
  for (const iface of data as AgentInterface[]) {
    if (typeof iface.name !== 'string') throw bad("qemu agent didn't provide 'name' field");
    const name = iface.name.split(':')[0]!;
    let entry = out.find((e) => e.name === name);
    if (!entry) {
      entry = { name, hwaddr: typeof iface['hardware-address'] === 'string' ? iface['hardware-address'] : undefined, addrs: [] };
      out.push(entry);
    }
    entry.addrs.push(...(iface['ip-addresses'] ?? []).map(addressOf));
  }
  return out;
}
