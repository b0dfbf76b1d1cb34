import { ConnectBaselineCPUFlags, ConnectCompareCPUFlags, CPUCompareResult } from '@tsvirt/api';
import { attr, firstChild, formatCpuSet, parseXml } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { jsonOpt, printFields, printValue, wantsJSON } from '../../vsh/report.js';
import { extractCPUDefs } from '../../cpu-xml-extract.js';

const fileOpt = (help: string): OptDef => ({ name: 'file', type: 'string', positional: true, required: true, help });
const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });
const str = (name: string, help: string): OptDef => ({ name, type: 'string', help });
const baselineOpts = [bool('features', 'Show features that are part of the CPU model type'), bool('migratable', 'Do not include features that block migration')];
const compareOpts = [bool('error', 'report error if CPUs are incompatible'), bool('validate', 'validate the XML document against schema')];
/** The options that name the hypervisor of hypervisor-cpu-compare and hypervisor-cpu-baseline. */
const hypervisorOpts = [
  str('virttype', 'virtualization type (/domain/@type)'), str('emulator', 'path to emulator binary (/domain/devices/emulator)'),
  str('arch', 'CPU architecture (/domain/os/type/@arch)'), str('machine', 'machine type (/domain/os/type/@machine)'),
];

const baselineFlags = (cmd: ParsedCommand): number =>
  (cmd.bool('features') ? ConnectBaselineCPUFlags.EXPAND_FEATURES : 0) | (cmd.bool('migratable') ? ConnectBaselineCPUFlags.MIGRATABLE : 0);
const compareFlags = (cmd: ParsedCommand): number =>
  (cmd.bool('error') ? ConnectCompareCPUFlags.FAIL_INCOMPATIBLE : 0) | (cmd.bool('validate') ? ConnectCompareCPUFlags.VALIDATE_XML : 0);
const hypervisorArgs = (cmd: ParsedCommand): [string | undefined, string | undefined, string | undefined, string | undefined] =>
  [nonEmptyOpt(cmd, 'emulator'), nonEmptyOpt(cmd, 'arch'), nonEmptyOpt(cmd, 'machine'), nonEmptyOpt(cmd, 'virttype')];

/** virsh's answer to a CPU comparison; an incompatible CPU fails the command. */
function printComparison(ctl: Parameters<CommandDef['run']>[0], result: number, file: string, against: string): boolean {
  if (result === CPUCompareResult.INCOMPATIBLE) {
    ctl.print(`CPU described in ${file} is incompatible with ${against} CPU\n`);
    return false;
  }
  ctl.print(result === CPUCompareResult.IDENTICAL
    ? `CPU described in ${file} is identical to ${against} CPU\n`
    : `${against === 'host' ? 'Host' : 'Hypervisor'} CPU is a superset of CPU described in ${file}\n`);
  return true;
}

export const cpuCompare: CommandDef = {
  name: 'cpu-compare',
  group: 'host',
  help: 'compare host CPU with a CPU described by an XML file',
  desc: 'compare CPU with host CPU',
  options: [fileOpt('file containing an XML CPU description'), ...compareOpts],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const [cpu] = await extractCPUDefs(file);
    let result: number;
    try {
      result = await (await ctl.connect()).compareCPU(cpu!, compareFlags(cmd));
    } catch (e) {
      throw new CommandFailed(`Failed to compare host CPU with ${file}`, e);
    }
    return printComparison(ctl, result, file, 'host');
  },
};

export const cpuBaseline: CommandDef = {
  name: 'cpu-baseline',
  group: 'host',
  help: 'compute baseline CPU',
  desc: 'Compute baseline CPU for a set of given CPUs.',
  options: [fileOpt('file containing XML CPU descriptions'), ...baselineOpts],
  async run(ctl, cmd) {
    const cpus = await extractCPUDefs(cmd.required('file'));
    ctl.print(await (await ctl.connect()).baselineCPU(cpus, baselineFlags(cmd)));
    return true;
  },
};

export const hypervisorCpuCompare: CommandDef = {
  name: 'hypervisor-cpu-compare',
  group: 'host',
  help: 'compare a CPU with the CPU created by a hypervisor on the host',
  desc: 'compare CPU with hypervisor CPU',
  options: [fileOpt('file containing an XML CPU description'), ...hypervisorOpts, ...compareOpts],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const args = hypervisorArgs(cmd);
    const [cpu] = await extractCPUDefs(file);
    let result: number;
    try {
      result = await (await ctl.connect()).compareHypervisorCPU(...args, cpu!, compareFlags(cmd));
    } catch (e) {
      throw new CommandFailed(`Failed to compare hypervisor CPU with ${file}`, e);
    }
    return printComparison(ctl, result, file, 'hypervisor');
  },
};

export const hypervisorCpuBaseline: CommandDef = {
  name: 'hypervisor-cpu-baseline',
  group: 'host',
  help: 'compute baseline CPU usable by a specific hypervisor',
  desc: 'Compute baseline CPU for a set of given CPUs. The result will be tailored to the specified hypervisor.',
  options: [
    str('file', 'file containing XML CPU descriptions'), ...hypervisorOpts, ...baselineOpts,
    str('model', 'Shortcut for calling the command with a single CPU model and no additional features'),
  ],
  async run(ctl, cmd) {
    const file = nonEmptyOpt(cmd, 'file');
    const args = hypervisorArgs(cmd);
    const model = nonEmptyOpt(cmd, 'model');
    cmd.exclusive('file', 'model');
    let cpus: string[];
    if (file !== undefined) cpus = await extractCPUDefs(file);
    else if (model !== undefined) cpus = [`<cpu><model>${model}</model></cpu>`];
    else throw new VshError('Either --file or --model must be provided');
    ctl.print(await (await ctl.connect()).baselineHypervisorCPU(...args, cpus, baselineFlags(cmd)));
    return true;
  },
};

export const cpuModels: CommandDef = {
  name: 'cpu-models',
  group: 'host',
  help: 'CPU models',
  desc: 'Get the CPU models for an arch.',
  options: [{ name: 'arch', type: 'string', positional: true, required: true, help: 'architecture' }, jsonOpt],
  async run(ctl, cmd) {
    const arch = cmd.required('arch');
    let models: string[];
    try {
      models = await (await ctl.connect()).getCPUModelNames(arch);
    } catch (e) {
      throw new CommandFailed('failed to get CPU model names', e);
    }
    if (wantsJSON(ctl, cmd)) printValue(ctl, cmd, models, '');
    else if (models.length === 0) ctl.extra('all CPU models are accepted\n');
    else ctl.print(models.map((m) => `${m}\n`).join(''));
    return true;
  },
};

export const domcapabilities: CommandDef = {
  name: 'domcapabilities',
  group: 'host',
  help: 'domain capabilities',
  desc: 'Returns capabilities of emulator with respect to host and libvirt.',
  options: [
    str('virttype', 'virtualization type (/domain/@type)'), str('emulatorbin', 'path to emulator binary (/domain/devices/emulator)'),
    str('arch', 'domain architecture (/domain/os/type/@arch)'), str('machine', 'machine type (/domain/os/type/@machine)'),
  ],
  async run(ctl, cmd) {
    const [virttype, emulatorbin, arch, machine] = ['virttype', 'emulatorbin', 'arch', 'machine'].map((o) => nonEmptyOpt(cmd, o));
    let caps: string;
    try {
      caps = await (await ctl.connect()).getDomainCapabilities(emulatorbin, arch, machine, virttype);
    } catch (e) {
      throw new CommandFailed('failed to get emulator capabilities', e);
    }
    ctl.print(caps);
    return true;
  },
};

export const maxvcpus: CommandDef = {
  name: 'maxvcpus',
  group: 'host',
  help: 'connection vcpu maximum',
  desc: 'Show maximum number of virtual CPUs for guests on this connection.',
  options: [str('type', 'domain type'), jsonOpt],
  async run(ctl, cmd) {
    const type = nonEmptyOpt(cmd, 'type');
    const conn = await ctl.connect();
    // virsh asks the domain capabilities first and falls back to virConnectGetMaxVcpus.
    let max: number | undefined;
    try {
      const vcpu = firstChild(parseXml(await conn.getDomainCapabilities(undefined, undefined, undefined, type), 'domainCapabilities'), 'vcpu');
      const n = Number(vcpu && attr(vcpu, 'max'));
      if (Number.isInteger(n) && n >= 0) max = n;
    } catch {
      max = undefined;
    }
    max ??= await conn.getMaxVcpus(type);
    printValue(ctl, cmd, max, `${max}\n`);
    return true;
  },
};

export const nodecpumap: CommandDef = {
  name: 'nodecpumap',
  group: 'host',
  help: 'node cpu map',
  desc: "Displays the node's total number of CPUs, the number of online CPUs and the list of online CPUs.",
  options: [bool('pretty', 'return human readable output'), jsonOpt],
  async run(ctl, cmd) {
    let map;
    try {
      map = await (await ctl.connect()).getCPUMap();
    } catch (e) {
      throw new CommandFailed('Unable to get cpu map', e);
    }
    const online = map.online.flatMap((on, cpu) => (on ? [cpu] : []));
    const text = cmd.bool('pretty') ? formatCpuSet(map.online) : map.online.slice(0, map.cpus).map((on) => (on ? 'y' : '-')).join('');
    printFields(ctl, cmd, [
      { label: 'CPUs present:', key: 'cpus', value: map.cpus },
      { label: 'CPUs online:', key: 'online', value: map.onlineCount },
      { label: 'CPU map:', key: 'onlineCPUs', value: online, text },
    ], 15);
    return true;
  },
};
