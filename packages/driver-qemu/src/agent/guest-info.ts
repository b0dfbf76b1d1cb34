import {
  DomainGuestInfoTypes as T, typedBoolean, typedInt, typedString, typedUInt, typedULLong, type TypedParameter,
} from '@tsvirt/api';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isCommandMissing } from './agent-errors.js';
import type { DomainAgent } from './agent-access.js';
import { guestHostname, guestInterfaces } from './guest-calls.js';
import { agentFileSystems, diskTargetOf, type AgentDiskAddress } from './guest-fs.js';

const D = ErrorDomain.QEMU;
/** Every type of guest information the agent can give. */
export const GUEST_INFO_TYPES = T.USERS | T.OS | T.TIMEZONE | T.HOSTNAME | T.FILESYSTEM | T.DISKS | T.INTERFACES;

/** guest-get-osinfo's fields and the parameters libvirt names them, in libvirt's order. */
const OS_FIELDS = [
  ['id', 'os.id'], ['name', 'os.name'], ['pretty-name', 'os.pretty-name'], ['version', 'os.version'], ['version-id', 'os.version-id'],
  ['machine', 'os.machine'], ['variant', 'os.variant'], ['variant-id', 'os.variant-id'], ['kernel-release', 'os.kernel-release'],
  ['kernel-version', 'os.kernel-version'],
] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function users(agent: DomainAgent): Promise<TypedParameter[]> {
  const list = await agent.run<Array<Record<string, unknown>>>('guest-get-users');
  return [typedUInt('user.count', list.length), ...list.flatMap((u, i) => [
    typedString(`user.${i}.name`, str(u['user']) ?? ''),
    ...(str(u['domain']) !== undefined ? [typedString(`user.${i}.domain`, str(u['domain'])!)] : []),
    typedULLong(`user.${i}.login-time`, BigInt(Math.trunc(Number(u['login-time'] ?? 0) * 1000))),
  ])];
}

async function os(agent: DomainAgent): Promise<TypedParameter[]> {
  const info = await agent.run<Record<string, unknown>>('guest-get-osinfo');
  return OS_FIELDS.flatMap(([key, field]) => (str(info[key]) !== undefined ? [typedString(field, str(info[key])!)] : []));
}

async function timezone(agent: DomainAgent): Promise<TypedParameter[]> {
  const tz = await agent.run<{ zone?: unknown; offset?: unknown }>('guest-get-timezone');
  return [...(str(tz.zone) !== undefined ? [typedString('timezone.name', str(tz.zone)!)] : []), typedInt('timezone.offset', Number(tz.offset ?? 0))];
}

/** A disk's identity under `prefix`: its serial, the domain disk it is, and the device node. */
function diskParams(prefix: string, a: AgentDiskAddress, def: DomainDef): TypedParameter[] {
  const target = diskTargetOf(def, a);
  return [
    ...(target !== undefined ? [typedString(`${prefix}.alias`, target)] : []),
    ...(a.serial !== undefined ? [typedString(`${prefix}.serial`, a.serial)] : []),
    ...(a.dev !== undefined ? [typedString(`${prefix}.device`, a.dev)] : []),
  ];
}

async function filesystems(agent: DomainAgent, def: DomainDef): Promise<TypedParameter[]> {
  const list = await agentFileSystems(agent);
  return [typedUInt('fs.count', list.length), ...list.flatMap((fs, i) => [
    typedString(`fs.${i}.name`, fs.name), typedString(`fs.${i}.mountpoint`, fs.mountpoint), typedString(`fs.${i}.fstype`, fs.type),
    ...(fs['total-bytes'] !== undefined ? [typedULLong(`fs.${i}.total-bytes`, BigInt(fs['total-bytes']))] : []),
    ...(fs['used-bytes'] !== undefined ? [typedULLong(`fs.${i}.used-bytes`, BigInt(fs['used-bytes']))] : []),
    typedUInt(`fs.${i}.disk.count`, fs.disk?.length ?? 0),
    ...(fs.disk ?? []).flatMap((a, j) => diskParams(`fs.${i}.disk.${j}`, a, def)),
  ])];
}

interface AgentDisk {
  readonly name: string;
  readonly partition: boolean;
  readonly dependencies?: readonly string[];
  readonly address?: AgentDiskAddress;
  readonly alias?: string;
}

async function disks(agent: DomainAgent, def: DomainDef): Promise<TypedParameter[]> {
  const list = await agent.run<AgentDisk[]>('guest-get-disks');
  return [typedUInt('disk.count', list.length), ...list.flatMap((d, i) => {
    const target = d.address === undefined ? undefined : diskTargetOf(def, d.address);
    return [
      typedString(`disk.${i}.name`, d.name), typedBoolean(`disk.${i}.partition`, d.partition),
      typedUInt(`disk.${i}.dependency.count`, d.dependencies?.length ?? 0),
      ...(d.dependencies ?? []).map((dep, j) => typedString(`disk.${i}.dependency.${j}.name`, dep)),
      ...(d.address?.serial !== undefined ? [typedString(`disk.${i}.serial`, d.address.serial)] : []),
      ...(target !== undefined ? [typedString(`disk.${i}.alias`, target)] : []),
      ...(d.alias !== undefined ? [typedString(`disk.${i}.guest_alias`, d.alias)] : []),
    ];
  })];
}

async function interfaces(agent: DomainAgent): Promise<TypedParameter[]> {
  const list = await guestInterfaces(agent);
  return [typedUInt('if.count', list.length), ...list.flatMap((n, i) => [
    typedString(`if.${i}.name`, n.name),
    ...(n.hwaddr !== undefined ? [typedString(`if.${i}.hwaddr`, n.hwaddr)] : []),
    typedUInt(`if.${i}.addr.count`, n.addrs.length),
    ...n.addrs.flatMap((a, j) => [
      typedString(`if.${i}.addr.${j}.type`, a.type === 0 ? 'ipv4' : 'ipv6'), typedString(`if.${i}.addr.${j}.addr`, a.addr),
      typedUInt(`if.${i}.addr.${j}.prefix`, a.prefix),
    ]),
  ])];
}

/** Each type's reader, in the order libvirt reports them. */
const READERS: ReadonlyArray<readonly [number, (agent: DomainAgent, def: DomainDef) => Promise<TypedParameter[]>]> = [
  [T.USERS, users], [T.OS, os], [T.TIMEZONE, timezone],
  [T.HOSTNAME, async (a) => [typedString('hostname', await guestHostname(a))]],
  [T.FILESYSTEM, filesystems], [T.DISKS, disks], [T.INTERFACES, interfaces],
];

/**
 * virDomainGetGuestInfo: the asked types (0: all). Asked for all, a type whose command the agent
 * lacks or has disabled is left out; asked for by name, that is an error.
 */
export async function guestInfo(agent: DomainAgent, def: DomainDef, types: number): Promise<TypedParameter[]> {
  if (types & ~GUEST_INFO_TYPES) throw new VirError(ErrorCode.INVALID_ARG, `invalid guest information types '0x${(types & ~GUEST_INFO_TYPES).toString(16)}'`, D);
  const out: TypedParameter[] = [];
  for (const [type, read] of READERS) {
    if (types !== 0 && !(types & type)) continue;
    try {
      out.push(...(await read(agent, def)));
    } catch (e) {
      if (types === 0 && e instanceof VirError && isCommandMissing(e.cause as { class?: string } | undefined)) continue;
      throw e;
    }
  }
  return out;
}
