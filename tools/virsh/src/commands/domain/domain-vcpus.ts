import {
  DomainModificationImpact as Impact, DomainState, DomainVcpuFlags as V, DomainXMLFlags, ErrorCode, VirError, type Connection, type Domain,
} from '@tsvirt/api';
import { CPUSET_BITS, formatCpuSet, parseCpuSet, parseDomainXML } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { uintOpt } from '../../vsh/option-values.js';
import { jsonOpt, printTable, printValue, type JSONValue } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { boolOpt, configOpt, currentOpt, impactFlags, liveOpt, requireOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

/** virshNodeGetCPUCount: the host's CPU count from its CPU map, or from nodeinfo where there is none. */
export async function hostCpuCount(conn: Connection): Promise<number> {
  try {
    return (await conn.getCPUMap()).cpus;
  } catch (e) {
    if (!(e instanceof VirError && e.code === ErrorCode.NO_SUPPORT)) throw e;
    const n = await conn.nodeGetInfo();
    return n.nodes * n.sockets * n.cores * n.threads;
  }
}

/** virshDomainGetVcpuBitmap: the vcpus the persistent definition has online, listed one by one or the first `current`. */
async function onlineVcpuIds(dom: Domain): Promise<number[]> {
  const { vcpu } = parseDomainXML(await dom.getXMLDesc(DomainXMLFlags.INACTIVE));
  const ids = vcpu.vcpus ? vcpu.vcpus.flatMap((s, id) => (s.enabled ? [id] : [])) : Array.from({ length: vcpu.current ?? vcpu.count }, (_, id) => id);
  if (ids.length !== (vcpu.current ?? vcpu.count)) throw new VshError('Failed to retrieve vcpu state bitmap');
  return ids;
}

/** A CPU map as virsh hands it around: whole bytes, enough for `cpus` CPUs (VIR_CPU_MAPLEN). */
function fitMap(map: readonly boolean[], cpus: number): boolean[] {
  return Array.from({ length: Math.ceil(cpus / 8) * 8 }, (_, i) => map[i] === true);
}

export const vcpucount = objectCommand({
  name: 'vcpucount',
  group: 'domain',
  help: 'domain vcpu counts',
  desc: 'Returns the number of virtual CPUs used by the domain.',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('active', 'maximum');
    cmd.exclusive('guest', 'config');
    cmd.exclusive('live', 'config');
  },
  options: [
    boolOpt('maximum', 'get maximum count of vcpus'),
    boolOpt('active', 'get number of currently active vcpus'),
    boolOpt('live', 'get value from running domain'),
    boolOpt('config', 'get value to be used on next boot'),
    boolOpt('current', 'get value according to current domain state'),
    boolOpt('guest', 'retrieve vcpu count from the guest instead of the hypervisor'),
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const chosen = ['maximum', 'active', 'live', 'config', 'current', 'guest'].some((o) => cmd.has(o));
    if (chosen) {
      const flags = (cmd.bool('maximum') ? V.MAXIMUM : 0) | (cmd.bool('live') ? V.LIVE : 0)
        | (cmd.bool('config') ? V.CONFIG : 0) | (cmd.bool('guest') ? V.GUEST : 0);
      let count: number;
      try {
        count = await dom.vcpusFlags(flags);
      } catch (e) {
        // virsh tries its older fallback only after NO_SUPPORT or INVALID_ARG, and for --guest there is none.
        const fallback = e instanceof VirError && (e.code === ErrorCode.NO_SUPPORT || e.code === ErrorCode.INVALID_ARG);
        throw cmd.bool('guest') && fallback ? new CommandFailed('Failed to retrieve vCPU count from the guest', e) : e;
      }
      printValue(ctl, cmd, count, `${count}\n`);
      return true;
    }
    // Without options: every count the domain's state allows, maximum and current, config and live.
    const [active, persistent] = [await dom.isActive(), await dom.isPersistent()];
    const rows: Array<{ kind: string; scope: string; count: number }> = [];
    for (const [kind, max] of [['maximum', V.MAXIMUM], ['current', 0]] as const) {
      if (persistent) rows.push({ kind, scope: 'config', count: await dom.vcpusFlags(max | V.CONFIG) });
      if (active) rows.push({ kind, scope: 'live', count: await dom.vcpusFlags(max | V.LIVE) });
    }
    const json: Record<string, JSONValue> = Object.fromEntries(rows.map((r) => [`${r.kind}${r.scope[0]!.toUpperCase()}${r.scope.slice(1)}`, r.count]));
    printValue(ctl, cmd, json, rows.map((r) => `${r.kind.padEnd(12)} ${r.scope.padEnd(12)} ${String(r.count).padStart(3)}\n`).join(''));
    return true;
  },
});

const VCPU_STATES = ['offline', 'running', 'blocked'];

export const vcpuinfo = objectCommand({
  name: 'vcpuinfo',
  group: 'domain',
  help: 'detailed domain vcpu information',
  desc: 'Returns basic information about the domain virtual CPUs.',
  object: DOMAIN,
  options: [boolOpt('pretty', 'return human readable output'), jsonOpt],
  async run(dom, ctl, cmd) {
    const cpus = await hostCpuCount(await ctl.connect());
    const info = await dom.getInfo();
    let vcpus: Awaited<ReturnType<Domain['vcpus']>> | undefined;
    let maps: readonly (readonly boolean[])[];
    let ids: readonly number[];
    try {
      vcpus = await dom.vcpus();
      maps = vcpus.cpumaps;
      ids = vcpus.info.map((v) => v.number);
    } catch (e) {
      // A shut-off domain has no running vcpus, but its pinning can still be shown, for the vcpus its definition has online.
      if (info.state !== DomainState.SHUTOFF) throw e;
      const pins = await dom.vcpuPinInfo(Impact.CONFIG);
      ids = await onlineVcpuIds(dom);
      maps = ids.map((id) => pins[id] ?? []);
    }
    const rows = maps.map((m, n) => {
      const v = vcpus?.info[n];
      return {
        vcpu: ids[n]!,
        cpu: v?.cpu ?? null,
        state: v ? (VCPU_STATES[v.state] ?? 'no state') : null,
        cpuTime: v ? v.cpuTime : null,
        affinity: fitMap(m, cpus),
      };
    });
    const affinityText = (map: boolean[]): string =>
      cmd.bool('pretty') ? `${formatCpuSet(map)} (out of ${cpus})` : map.slice(0, cpus).map((b) => (b ? 'y' : '-')).join('');
    const text = rows.map((r) => [
      `${'VCPU:'.padEnd(15)} ${r.vcpu}\n`,
      `${'CPU:'.padEnd(15)} ${r.cpu ?? 'N/A'}\n`,
      `${'State:'.padEnd(15)} ${r.state ?? 'N/A'}\n`,
      // virsh leaves out a running vcpu's time while it is still zero.
      r.cpuTime === null ? `${'CPU time'.padEnd(15)} N/A\n` : r.cpuTime === 0n ? '' : `${'CPU time:'.padEnd(15)} ${(Number(r.cpuTime) / 1e9).toFixed(1)}s\n`,
      `${'CPU Affinity:'.padEnd(15)} ${affinityText(r.affinity)}\n`,
    ].join('')).join('\n');
    printValue(ctl, cmd, rows.map((r) => ({ ...r, affinity: formatCpuSet(r.affinity) })), text);
    return true;
  },
});

/** virsh's cpulist: `r` for every host CPU, else a cpuset that sets at least one CPU the host has. */
export function parseCpuList(list: string, cpus: number): boolean[] {
  if (list.startsWith('r')) return fitMap(new Array<boolean>(cpus).fill(true), cpus);
  let map: boolean[];
  try {
    map = parseCpuSet(list, CPUSET_BITS);
  } catch (e) {
    throw new CommandFailed(`Invalid cpulist '${list}'`, e);
  }
  const last = map.lastIndexOf(true);
  if (last < 0) throw new VshError(`Invalid cpulist '${list}'`);
  if (last >= cpus) throw new VshError(`CPU ${last} in cpulist '${list}' exceed the maxcpu ${cpus}`);
  return fitMap(map, cpus);
}

/** vcpupin without a cpulist: the affinity of every vcpu, or of one. */
async function showPinning(ctl: Parameters<CommandDef['run']>[0], cmd: Parameters<CommandDef['run']>[1], dom: Domain,
  vcpu: number | undefined, flags: number, cpus: number): Promise<void> {
  if (flags & Impact.LIVE && !(await dom.isActive())) throw new VshError('cannot get vcpupin for offline domain');
  if (flags & Impact.CONFIG && !(await dom.isPersistent())) throw new VshError('cannot get vcpupin for transient domain');
  const count = await dom.vcpusFlags(flags | V.MAXIMUM);
  if (vcpu !== undefined && vcpu >= count) {
    const live = flags & Impact.LIVE || (!(flags & Impact.CONFIG) && (await dom.isActive()));
    throw new VshError(`vcpu ${vcpu} is out of range of ${live ? 'live' : 'persistent'} cpu count ${count}`);
  }
  const maps = (await dom.vcpuPinInfo(flags)).slice(0, count);
  const rows = maps.map((m, n) => ({ vcpu: n, affinity: formatCpuSet(fitMap(m, cpus)) })).filter((r) => vcpu === undefined || r.vcpu === vcpu);
  printTable(ctl, cmd, [
    { title: 'VCPU', key: 'vcpu', value: (r) => r.vcpu },
    { title: 'CPU Affinity', key: 'affinity', value: (r) => r.affinity },
  ], rows);
}

export const vcpupin: CommandDef = {
  name: 'vcpupin',
  group: 'domain',
  help: 'control or query domain vcpu affinity',
  desc: 'Pin domain VCPUs to host physical CPUs.',
  options: [
    domainOpt(),
    { name: 'vcpu', type: 'int', help: 'vcpu number' },
    { name: 'cpulist', type: 'string', help: 'host cpu number(s) to set, or omit option to query' },
    configOpt, liveOpt, currentOpt, jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const list = cmd.string('cpulist');
    // A pin may reach both definitions; a query shows one.
    if (list === undefined) cmd.exclusive('live', 'config');
    const dom = await domainArg(ctl, cmd);
    const vcpu = uintOpt(cmd, 'vcpu');
    if (list !== undefined && vcpu === undefined) throw new VshError('vcpupin: Missing vCPU number in pin mode.');
    const cpus = await hostCpuCount(await ctl.connect());
    if (list === undefined) {
      await showPinning(ctl, cmd, dom, vcpu, flags, cpus);
      return true;
    }
    const map = parseCpuList(list, cpus);
    if (flags === 0 && !cmd.bool('current')) await dom.pinVcpu(vcpu!, map);
    else await dom.pinVcpuFlags(vcpu!, map, flags);
    return true;
  },
};

export const setvcpus: CommandDef = {
  name: 'setvcpus',
  group: 'domain',
  help: 'change number of virtual CPUs',
  desc: 'Change the number of virtual CPUs in the guest domain.',
  options: [
    domainOpt(),
    { name: 'count', type: 'int', positional: true, required: true, help: 'number of virtual CPUs' },
    boolOpt('maximum', 'set maximum limit on next boot'),
    configOpt, liveOpt, currentOpt,
    boolOpt('guest', 'modify cpu state in the guest'),
    boolOpt('hotpluggable', 'make added vcpus hot(un)pluggable'),
  ],
  async run(ctl, cmd) {
    let flags = impactFlags(cmd);
    cmd.exclusive('guest', 'config');
    requireOpt(cmd, 'maximum', 'config');
    const dom = await domainArg(ctl, cmd);
    const count = uintOpt(cmd, 'count')!;
    if (count === 0) throw new VshError("Can't set 0 processors for a VM");
    if (cmd.bool('maximum')) flags |= V.MAXIMUM;
    if (cmd.bool('guest')) flags |= V.GUEST;
    if (cmd.bool('hotpluggable')) flags |= V.HOTPLUGGABLE;
    if (flags === 0 && !cmd.bool('current')) await dom.setVcpus(count);
    else await dom.setVcpusFlags(count, flags);
    return true;
  },
};
