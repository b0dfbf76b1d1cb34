import { LIB_VERSION } from '@tsvirt/api';
import type { CommandDef } from '../vsh/command-def.js';

/** libvirt's encoded version (major * 1e6 + minor * 1e3 + micro) as `major.minor.micro`. */
export function versionString(v: number): string {
  return `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`;
}

const row = (label: string, value: string): string => `${label.padEnd(20)} ${value}\n`;

export const nodeinfo: CommandDef = {
  name: 'nodeinfo',
  group: 'host',
  help: 'node information',
  desc: 'Returns basic information about the node.',
  options: [],
  async run(ctl) {
    const info = await (await ctl.connect()).nodeGetInfo();
    ctl.print(
      row('CPU model:', info.model) +
        row('CPU(s):', String(info.cpus)) +
        row('CPU frequency:', `${info.mhz} MHz`) +
        row('CPU socket(s):', String(info.sockets)) +
        row('Core(s) per socket:', String(info.cores)) +
        row('Thread(s) per core:', String(info.threads)) +
        row('NUMA cell(s):', String(info.nodes)) +
        row('Memory size:', `${info.memory} KiB`),
    );
    return true;
  },
};

export const version: CommandDef = {
  name: 'version',
  group: 'host',
  help: 'show version',
  desc: 'Display the system version information.',
  options: [{ name: 'daemon', type: 'bool', help: 'report daemon version too' }],
  async run(ctl, cmd) {
    const conn = await ctl.connect();
    const lib = versionString(LIB_VERSION);
    const type = await conn.getType();
    ctl.print(`Compiled against library: libvirt ${lib}\n`);
    ctl.print(`Using library: libvirt ${lib}\n`);
    ctl.print(`Using API: ${type} ${lib}\n`);
    ctl.print(`Running hypervisor: ${type} ${versionString(await conn.getVersion())}\n`);
    if (cmd.bool('daemon')) ctl.print(`Running against daemon: ${lib}\n`);
    return true;
  },
};

export const uri: CommandDef = {
  name: 'uri',
  group: 'host',
  help: 'print the hypervisor canonical URI',
  options: [],
  async run(ctl) {
    ctl.print(`${(await ctl.connect()).getURI()}\n`);
    return true;
  },
};

export const hostname: CommandDef = {
  name: 'hostname',
  group: 'host',
  help: 'print the hypervisor hostname',
  options: [],
  async run(ctl) {
    ctl.print(`${await (await ctl.connect()).getHostname()}\n`);
    return true;
  },
};
