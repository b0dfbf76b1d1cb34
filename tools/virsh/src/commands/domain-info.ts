import type { CommandDef } from '../vsh/command-def.js';
import { domainOpt } from '../vsh/command-def.js';
import { lookupDomain } from '../domain-lookup.js';
import { reasonName, stateName } from '../state-names.js';

const field = (label: string, value: string): string => `${label.padEnd(15)} ${value}\n`;

export const dominfo: CommandDef = {
  name: 'dominfo',
  group: 'domain-monitor',
  help: 'domain information',
  desc: 'Returns basic information about the domain.',
  options: [domainOpt()],
  async run(ctl, cmd) {
    const conn = await ctl.connect();
    const dom = await lookupDomain(conn, cmd.required('domain'));
    const id = dom.getID();
    let out = field('Id:', id < 0 ? '-' : String(id));
    out += field('Name:', dom.getName());
    out += field('UUID:', dom.getUUIDString());
    out += field('OS Type:', await dom.getOSType());
    const info = await dom.getInfo();
    out += field('State:', stateName(info.state));
    out += field('CPU(s):', String(info.nrVirtCpu));
    if (info.cpuTime !== 0n) out += field('CPU time:', `${(Number(info.cpuTime) / 1e9).toFixed(1)}s`);
    out += field('Max memory:', `${info.maxMem} KiB`);
    out += field('Used memory:', `${info.memory} KiB`);
    out += field('Persistent:', (await dom.isPersistent()) ? 'yes' : 'no');
    out += field('Autostart:', (await dom.getAutostart()) ? 'enable' : 'disable');
    out += field('Managed save:', (await dom.hasManagedSaveImage()) ? 'yes' : 'no');
    const model = await conn.getSecurityModel().catch(() => undefined);
    if (model?.model) {
      out += field('Security model:', model.model);
      out += field('Security DOI:', model.doi);
      const label = await dom.getSecurityLabel();
      if (label.label) out += field('Security label:', `${label.label} (${label.enforcing ? 'enforcing' : 'permissive'})`);
    }
    ctl.print(out);
    return true;
  },
};

export const domstate: CommandDef = {
  name: 'domstate',
  group: 'domain-monitor',
  help: 'domain state',
  desc: 'Returns state about a domain.',
  options: [domainOpt(), { name: 'reason', type: 'bool', help: 'also print reason for the state' }],
  async run(ctl, cmd) {
    const dom = await lookupDomain(await ctl.connect(), cmd.required('domain'));
    const [state, reason] = await dom.getState();
    ctl.print(cmd.bool('reason') ? `${stateName(state)} (${reasonName(state, reason)})\n` : `${stateName(state)}\n`);
    return true;
  },
};

export const domid: CommandDef = {
  name: 'domid',
  group: 'domain',
  help: 'convert a domain name or UUID to domain id',
  options: [domainOpt('domain name or uuid')],
  async run(ctl, cmd) {
    const dom = await lookupDomain(await ctl.connect(), cmd.required('domain'), { byName: true, byUUID: true });
    const id = dom.getID();
    ctl.print(id < 0 ? '-\n' : `${id}\n`);
    return true;
  },
};

export const domname: CommandDef = {
  name: 'domname',
  group: 'domain',
  help: 'convert a domain id or UUID to domain name',
  options: [domainOpt('domain id or uuid')],
  async run(ctl, cmd) {
    const dom = await lookupDomain(await ctl.connect(), cmd.required('domain'), { byId: true, byUUID: true });
    ctl.print(`${dom.getName()}\n`);
    return true;
  },
};

export const domuuid: CommandDef = {
  name: 'domuuid',
  group: 'domain',
  help: 'convert a domain name or id to domain UUID',
  options: [domainOpt('domain id or name')],
  async run(ctl, cmd) {
    const dom = await lookupDomain(await ctl.connect(), cmd.required('domain'), { byId: true, byName: true });
    ctl.print(`${dom.getUUIDString()}\n`);
    return true;
  },
};
