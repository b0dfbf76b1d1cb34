import type { Domain } from '@tsvirt/api';
import type { CommandDef } from '../vsh/command-def.js';
import { domainOpt } from '../vsh/command-def.js';
import { lookupDomain, type LookupWays } from '../domain-lookup.js';
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

/** domid, domname, domuuid: look a domain up by the two other ways and print the third. */
function conversion(name: string, help: string, ways: LookupWays, show: (dom: Domain) => string): CommandDef {
  const words = [ways.byId && 'id', ways.byName && 'name', ways.byUUID && 'uuid'].filter(Boolean);
  return {
    name,
    group: 'domain',
    help,
    // Listed id, name, uuid, which gives virsh's wording: "name or uuid", "id or uuid", "id or name".
    options: [domainOpt(`domain ${words.join(' or ')}`)],
    async run(ctl, cmd) {
      const dom = await lookupDomain(await ctl.connect(), cmd.required('domain'), ways);
      ctl.print(`${show(dom)}\n`);
      return true;
    },
  };
}

export const domid = conversion('domid', 'convert a domain name or UUID to domain id', { byName: true, byUUID: true },
  (dom) => (dom.getID() < 0 ? '-' : String(dom.getID())));
export const domname = conversion('domname', 'convert a domain id or UUID to domain name', { byId: true, byUUID: true },
  (dom) => dom.getName());
export const domuuid = conversion('domuuid', 'convert a domain name or id to domain UUID', { byId: true, byName: true },
  (dom) => dom.getUUIDString());
