import { LIB_VERSION } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { jsonOpt, printFields } from '../../vsh/report.js';
import { versionString } from '../../version-string.js';


export const nodeinfo: CommandDef = {
  name: 'nodeinfo',
  group: 'host',
  help: 'node information',
  desc: 'Returns basic information about the node.',
  options: [jsonOpt],
  async run(ctl, cmd) {
    const info = await (ctl.openConnection ?? await ctl.connect()).nodeGetInfo();
    // virsh prints virNodeInfo's unsigned fields with %d, and no frequency when it is 0.
    const int = (v: number): string => String(v | 0);
    printFields(ctl, cmd, [
      { label: 'CPU model:', key: 'cpuModel', value: info.model },
      { label: 'CPU(s):', key: 'cpus', value: info.cpus, text: int(info.cpus) },
      ...(info.mhz === 0 ? [] : [{ label: 'CPU frequency:', key: 'mhz', value: info.mhz, text: `${int(info.mhz)} MHz` }]),
      { label: 'CPU socket(s):', key: 'sockets', value: info.sockets, text: int(info.sockets) },
      { label: 'Core(s) per socket:', key: 'coresPerSocket', value: info.cores, text: int(info.cores) },
      { label: 'Thread(s) per core:', key: 'threadsPerCore', value: info.threads, text: int(info.threads) },
      { label: 'NUMA cell(s):', key: 'numaCells', value: info.nodes, text: int(info.nodes) },
      { label: 'Memory size:', key: 'memory', value: info.memory, text: `${info.memory} KiB` },
    ], 20);
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
    ctl.print(`${(ctl.openConnection ?? await ctl.connect()).getURI()}\n`);
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
