import { typedInt, typedULLong, typedUInt, type Domain, type TypedParameter } from '@tsvirt/api';
import { formatCpuSet } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { uintOpt, ullOpt } from '../../vsh/option-values.js';
import { jsonOpt, printTable, wantsJSON } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { hostCpuCount, parseCpuList } from './domain-vcpus.js';

const IMPACT_OPTS = [configOpt, liveOpt, currentOpt];

/** The IOThread id of iothreadadd/del/set: an int above zero. */
function iothreadId(cmd: ParsedCommand): number {
  const id = cmd.int('id')!;
  if (id <= 0) throw new VshError(`Invalid IOThread id value: '${id}'`);
  return id;
}

const idOpt = (help: string): OptDef => ({ name: 'id', type: 'int', positional: true, required: true, help });

export const iothreadinfo: CommandDef = {
  name: 'iothreadinfo',
  group: 'domain',
  help: 'view domain IOThreads',
  desc: 'Returns basic information about the domain IOThreads.',
  options: [domainOpt(), ...IMPACT_OPTS, jsonOpt],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    await hostCpuCount(await ctl.connect());
    let threads;
    try {
      threads = await dom.ioThreadInfo(flags);
    } catch (e) {
      throw new CommandFailed('Unable to get domain IOThreads information', e);
    }
    if (threads.length === 0 && !wantsJSON(ctl, cmd)) {
      ctl.extra('No IOThreads found for the domain');
      return true;
    }
    printTable(ctl, cmd, [
      { title: 'IOThread ID', key: 'id', value: (t) => t.iothreadId },
      { title: 'CPU Affinity', key: 'cpuAffinity', value: (t) => formatCpuSet(t.cpumap) },
    ], threads);
    return true;
  },
};

function addOrDel(name: string, help: string, desc: string, idHelp: string, call: (d: Domain, id: number, flags: number) => Promise<void>): CommandDef {
  return {
    name,
    group: 'domain',
    help,
    desc,
    options: [domainOpt(), idOpt(idHelp), ...IMPACT_OPTS],
    async run(ctl, cmd) {
      const flags = impactFlags(cmd);
      const dom = await domainArg(ctl, cmd);
      await call(dom, iothreadId(cmd), flags);
      return true;
    },
  };
}

export const iothreadadd = addOrDel('iothreadadd', 'add an IOThread to the guest domain', 'Add an IOThread to the guest domain.',
  'iothread for the new IOThread', (d, id, flags) => d.addIOThread(id, flags));
export const iothreaddel = addOrDel('iothreaddel', 'delete an IOThread from the guest domain', 'Delete an IOThread from the guest domain.',
  'iothread_id for the IOThread to delete', (d, id, flags) => d.delIOThread(id, flags));

export const iothreadpin: CommandDef = {
  name: 'iothreadpin',
  group: 'domain',
  help: 'control domain IOThread affinity',
  desc: 'Pin domain IOThreads to host physical CPUs.',
  options: [
    domainOpt(),
    { name: 'iothread', type: 'int', positional: true, required: true, help: 'IOThread ID number' },
    { name: 'cpulist', type: 'string', positional: true, required: true, help: 'host cpu number(s) to set' },
    ...IMPACT_OPTS,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const id = uintOpt(cmd, 'iothread')!;
    const list = cmd.required('cpulist');
    const cpumap = parseCpuList(list, await hostCpuCount(await ctl.connect()));
    await dom.pinIOThread(id, cpumap, flags);
    return true;
  },
};

export const iothreadset: CommandDef = {
  name: 'iothreadset',
  group: 'domain',
  help: 'modifies an existing IOThread of the guest domain',
  desc: 'Modifies an existing IOThread of the guest domain.',
  options: [
    domainOpt(),
    idOpt('iothread id of existing IOThread'),
    { name: 'poll-max-ns', type: 'int', help: 'set the maximum IOThread polling time in ns' },
    { name: 'poll-grow', type: 'int', help: 'set the value to increase the IOThread polling time' },
    { name: 'poll-shrink', type: 'int', help: 'set the value for reduction of the IOThread polling time' },
    { name: 'thread-pool-min', type: 'int', help: 'lower boundary for worker thread pool' },
    { name: 'thread-pool-max', type: 'int', help: 'upper boundary for worker thread pool' },
    ...IMPACT_OPTS,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const id = iothreadId(cmd);
    const params: TypedParameter[] = [];
    const maxNs = ullOpt(cmd, 'poll-max-ns');
    if (maxNs !== undefined) params.push(typedULLong('poll_max_ns', maxNs));
    for (const [opt, field] of [['poll-grow', 'poll_grow'], ['poll-shrink', 'poll_shrink']] as const) {
      const v = uintOpt(cmd, opt);
      if (v !== undefined) params.push(typedUInt(field, v));
    }
    for (const [opt, field] of [['thread-pool-min', 'thread_pool_min'], ['thread-pool-max', 'thread_pool_max']] as const) {
      const v = cmd.int(opt);
      if (v !== undefined) params.push(typedInt(field, v));
    }
    if (params.length === 0) throw new VshError('Not enough arguments passed, nothing to set');
    await dom.setIOThreadParams(id, params, flags);
    return true;
  },
};
