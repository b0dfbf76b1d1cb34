import { formatCpuSet, parseCpuSet, otherPart, replaceDevices, setDomainPart, type DomainDef, type LifecycleAction } from '@tsvirt/conf';
import {
  DOMAIN_BANDWIDTH_FIELDS, DomainLifecycle, DomainModificationImpact as Impact, TypedParameterFlags,
  TypedParameterType as P, typedUInt, validateTypedParams, type NodeInfo, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';
import { findInterface } from './stats.js';

const D = ErrorDomain.TEST;
const GET_FLAGS = Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY;

/** libvirt's virDomainProcessSignal has signals 0 to 64. */
const PROCESS_SIGNAL_LAST = 65;

/** testDomainSendProcessSignal: only to the guest's init, with a known signal number; nothing is sent. */
export function sendProcessSignal(pid: bigint, signum: number, flags: number): void {
  checkFlags(flags, 0, 'testDomainSendProcessSignal', D);
  if (signum < 0 || signum >= PROCESS_SIGNAL_LAST) throw new VirError(ErrorCode.INVALID_ARG, `signum value ${signum} is out of range`, D);
  if (pid !== 1n) throw new VirError(ErrorCode.INVALID_ARG, 'only sending a signal to pid 1 is supported', D);
}

/** libvirt's lifecycle action names, by DomainLifecycleAction number. */
const ACTIONS: readonly LifecycleAction[] = ['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart'];
const EVENTS = ['poweroff', 'reboot', 'crash'] as const;
const EVENT_FIELD = { poweroff: 'onPoweroff', reboot: 'onReboot', crash: 'onCrash' } as const;

/** testDomainSetLifecycleAction: the action of one event in the definitions the impact names; coredump only on crash. */
export function setLifecycleAction(obj: DomainObject, type: number, action: number, flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetLifecycleAction', D);
  const event = EVENTS[type]!;
  const name = ACTIONS[action]!;
  if (type !== DomainLifecycle.CRASH && name.startsWith('coredump-')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Lifecycle event '${event}' doesn't support '${name}' action`, ErrorDomain.DOMAIN);
  }
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) if (def) def[EVENT_FIELD[event]] = name;
}

/** The emulator's affinity: its pinning, else the domain's `<vcpu cpuset>`, else every host CPU. */
function emulatorCpus(def: DomainDef, nodeInfo: NodeInfo): boolean[] {
  const hostCpus = nodeInfo.nodes * nodeInfo.sockets * nodeInfo.cores * nodeInfo.threads;
  const cpuset = otherPart(def, 'cputune')?.emulatorpin ?? def.vcpu.cpuset;
  const map = cpuset === undefined ? new Array<boolean>(hostCpus).fill(true) : parseCpuSet(cpuset);
  return Array.from({ length: hostCpus }, (_, i) => map[i] === true);
}

/** testDomainGetEmulatorPinInfo: one map as wide as the host. */
export function getEmulatorPinInfo(obj: DomainObject, nodeInfo: NodeInfo, flags: number): boolean[] {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainGetEmulatorPinInfo', D);
  return emulatorCpus(impactDef(obj, flags), nodeInfo);
}

/** testDomainPinEmulator: `<cputune><emulatorpin>` of the definitions the impact names; an empty map is refused. */
export function pinEmulator(obj: DomainObject, cpumap: readonly boolean[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainPinEmulator', D);
  const { live, config } = impactDefs(obj, flags);
  if (!cpumap.some(Boolean)) throw new VirError(ErrorCode.INVALID_ARG, 'Empty cpu list for pinning', D);
  for (const def of [live, config]) {
    if (def) setDomainPart(def, 'cputune', { ...otherPart(def, 'cputune'), emulatorpin: formatCpuSet(cpumap) });
  }
}

/** testDomainGetLaunchSecurityInfo: no flag at all is accepted, and the API always adds STRING_OKAY. */
export function getLaunchSecurityInfo(flags: number): TypedParameter[] {
  checkFlags(flags, 0, 'testDomainGetLaunchSecurityInfo', D);
  return [];
}

type Bandwidth = NonNullable<ReturnType<typeof findInterface>>['bandwidth'];
type Direction = 'inbound' | 'outbound';

function interfaceOf(def: DomainDef, device: string): NonNullable<ReturnType<typeof findInterface>> {
  const iface = findInterface(def, device);
  if (!iface) throw new VirError(ErrorCode.INVALID_ARG, `'${device}' is not a known interface`, ErrorDomain.DOMAIN);
  return iface;
}

/** testDomainGetInterfaceParameters asked for the count. */
export function interfaceParameterCount(flags: number): number {
  checkFlags(flags, GET_FLAGS, 'testDomainGetInterfaceParameters', D);
  return DOMAIN_BANDWIDTH_FIELDS.length;
}

/** testDomainGetInterfaceParameters: the interface's `<bandwidth>`, 0 where it sets nothing. */
export function getInterfaceParameters(obj: DomainObject, device: string, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'testDomainGetInterfaceParameters', D);
  const bw = interfaceOf(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY), device).bandwidth;
  return DOMAIN_BANDWIDTH_FIELDS.map((f) => {
    const [dir, key] = f.split('.') as [Direction, 'average' | 'peak' | 'burst' | 'floor'];
    return typedUInt(f, bw?.[dir]?.[key] ?? 0);
  });
}

/**
 * testDomainSetInterfaceParameters: the given values replace the interface's; a direction whose
 * average ends up 0 loses its limits, and an empty `<bandwidth>` goes.
 */
export function setInterfaceParameters(obj: DomainObject, device: string, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetInterfaceParameters', D);
  validateTypedParams(params, Object.fromEntries(DOMAIN_BANDWIDTH_FIELDS.map((f) => [f, P.UINT])));
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    const iface = interfaceOf(def, device);
    const next: Record<Direction, Record<string, number | undefined>> = {
      inbound: { ...iface.bandwidth?.inbound }, outbound: { ...iface.bandwidth?.outbound },
    };
    for (const p of params) {
      const [dir, key] = p.field.split('.') as [Direction, string];
      next[dir][key] = Number(p.value) || undefined;
    }
    const kept = (dir: Direction) => (next[dir].average || next[dir].floor ? next[dir] : undefined);
    const bw = { inbound: kept('inbound'), outbound: kept('outbound') } as Bandwidth;
    def.devices = replaceDevices(def, [[iface, { ...iface, bandwidth: bw?.inbound || bw?.outbound ? bw : undefined }]]).devices;
  }
}
