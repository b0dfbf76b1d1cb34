import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_CPU_STATS_ALL_CPUS, NODE_MEMORY_STATS_ALL_CELLS, type NodeStat } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, printFields, printValue, type Field, wantsJSON } from '../../vsh/report.js';

/** An `int` option as virsh reads it: a C int, with virsh's message for anything else. */
function intOpt(cmd: ParsedCommand, name: string): number | undefined {
  const v = cmd.int(name);
  if (v !== undefined && (v < -0x80000000 || v > 0x7fffffff)) {
    throw new VshError(`Numeric value '${cmd.string(name)}' for <${name}> option is malformed or out of range`);
  }
  return v;
}

/** virsh's names and order for the CPU counters (the API's `kernel` is virsh's `system`). */
const CPU_FIELDS: ReadonlyArray<readonly [field: string, label: string]> = [
  ['user', 'user'], ['kernel', 'system'], ['idle', 'idle'], ['iowait', 'iowait'],
];

const valueOf = (stats: readonly NodeStat[], field: string): bigint | undefined => stats.find((s) => s.field === field)?.value;

/** glibc prints the NaN of 0/0 as `-nan`, which is what virsh shows when nothing changed in the second. */
function percent(part: number, total: number): string {
  const p = (part / total) * 100;
  return Number.isNaN(p) ? ' -nan' : p.toFixed(1).padStart(5);
}

export const nodecpustats: CommandDef = {
  name: 'nodecpustats',
  group: 'host',
  help: 'Prints cpu stats of the node.',
  desc: 'Returns cpu stats of the node, in nanoseconds.',
  options: [
    { name: 'cpu', type: 'int', help: 'prints specified cpu statistics only.' },
    { name: 'percent', type: 'bool', help: 'prints by percentage during 1 second.' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    const cpu = intOpt(cmd, 'cpu') ?? NODE_CPU_STATS_ALL_CPUS;
    const conn = await ctl.connect();
    const get = async (): Promise<NodeStat[]> => {
      try {
        return await conn.getCPUStats(cpu);
      } catch (e) {
        throw new CommandFailed('Unable to get number of cpu stats', e);
      }
    };
    const first = await get();
    const shown = CPU_FIELDS.filter(([f]) => valueOf(first, f) !== undefined);
    if (!cmd.bool('percent')) {
      printFields(ctl, cmd, shown.map(([f, label]): Field => {
        const v = valueOf(first, f)!;
        return { label: `${label}:`, key: label, value: v, text: String(v).padStart(20) };
      }), 15);
      return true;
    }
    await sleep(1000);
    const second = await get();
    const delta = new Map(shown.map(([f, label]) => [label, Number(valueOf(second, f)! - valueOf(first, f)!)]));
    const total = [...delta.values()].reduce((a, b) => a + b, 0);
    const usage = (delta.get('user') ?? 0) + (delta.get('system') ?? 0);
    printFields(ctl, cmd, [['usage', usage] as const, ...delta].map(([label, part]): Field => ({
      label: `${label}:`, key: label, value: total === 0 ? null : (part / total) * 100, text: `${percent(part, total)}%`,
    })), 15);
    return true;
  },
};

export const nodememstats: CommandDef = {
  name: 'nodememstats',
  group: 'host',
  help: 'Prints memory stats of the node.',
  desc: 'Returns memory stats of the node, in kilobytes.',
  options: [{ name: 'cell', type: 'int', help: 'prints specified cell statistics only.' }, jsonOpt],
  async run(ctl, cmd) {
    const cell = intOpt(cmd, 'cell') ?? NODE_MEMORY_STATS_ALL_CELLS;
    let stats: NodeStat[];
    try {
      stats = await (await ctl.connect()).getMemoryStats(cell);
    } catch (e) {
      throw new CommandFailed('Unable to get number of memory stats', e);
    }
    if (wantsJSON(ctl, cmd)) printValue(ctl, cmd, Object.fromEntries(stats.map((s) => [s.field, s.value])), '');
    else ctl.print(stats.map((s) => `${s.field.padEnd(7)}: ${String(s.value).padStart(20)} KiB\n`).join(''));
    return true;
  },
};

export const capabilities: CommandDef = {
  name: 'capabilities',
  group: 'host',
  help: 'capabilities',
  desc: 'Returns capabilities of hypervisor/driver.',
  options: [],
  async run(ctl) {
    ctl.print(`${await (await ctl.connect()).getCapabilities()}\n`);
    return true;
  },
};

export const sysinfo: CommandDef = {
  name: 'sysinfo',
  group: 'host',
  help: 'print the hypervisor sysinfo',
  desc: 'output an XML string for the hypervisor sysinfo, if available',
  options: [],
  async run(ctl) {
    ctl.print(await (await ctl.connect()).getSysinfo());
    return true;
  },
};
