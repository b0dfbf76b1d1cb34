import type { Domain } from '@tsvirt/api';
import { DOMAIN, type LookupWays } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { reasonName, stateName } from '../../state-names.js';
import { jsonOpt, printFields, printValue, type Field } from '../../vsh/report.js';


export const dominfo = objectCommand({
  name: 'dominfo',
  group: 'monitor',
  help: 'domain information',
  desc: 'Returns basic information about the domain.',
  object: DOMAIN,
  options: [jsonOpt],
  async run(dom, ctl, cmd) {
    const conn = ctl.openConnection ?? await ctl.connect();
    const id = dom.getID();
    const info = await dom.getInfo();
    const fields: Field[] = [
      { label: 'Id:', key: 'id', value: id < 0 ? null : id, text: id < 0 ? '-' : String(id) },
      { label: 'Name:', key: 'name', value: dom.getName() },
      { label: 'UUID:', key: 'uuid', value: dom.getUUIDString() },
      { label: 'OS Type:', key: 'osType', value: await dom.getOSType() },
      { label: 'State:', key: 'state', value: stateName(info.state) },
      { label: 'CPU(s):', key: 'cpus', value: info.nrVirtCpu },
    ];
    if (info.cpuTime !== 0n) {
      // JSON has it in nanoseconds, the unit of every CPU time tsvirsh prints as JSON.
      fields.push({ label: 'CPU time:', key: 'cpuTime', value: info.cpuTime, text: `${(Number(info.cpuTime) / 1e9).toFixed(1)}s` });
    }
    const yesNo = (key: string, label: string, v: boolean, words = ['yes', 'no']): Field =>
      ({ label, key, value: v, text: v ? words[0] : words[1] });
    fields.push(
      { label: 'Max memory:', key: 'maxMemory', value: info.maxMem, text: `${info.maxMem} KiB` },
      { label: 'Used memory:', key: 'usedMemory', value: info.memory, text: `${info.memory} KiB` },
      yesNo('persistent', 'Persistent:', await dom.isPersistent()),
      yesNo('autostart', 'Autostart:', await dom.getAutostart(), ['enable', 'disable']),
      yesNo('managedSave', 'Managed save:', await dom.hasManagedSaveImage()),
    );
    const model = await conn.getSecurityModel().catch(() => undefined);
    if (model?.model) {
      fields.push({ label: 'Security model:', key: 'securityModel', value: model.model },
        { label: 'Security DOI:', key: 'securityDOI', value: model.doi });
      const label = await dom.getSecurityLabel();
      if (label.label) {
        fields.push({ label: 'Security label:', key: 'securityLabel', value: label.label,
          text: `${label.label} (${label.enforcing ? 'enforcing' : 'permissive'})` });
      }
    }
    // Taints and deprecations, one a line, continuation lines under the first value.
    const messages = await dom.getMessages().catch(() => []);
    if (messages.length > 0) fields.push({ label: 'Messages:', key: 'messages', value: messages, text: messages.join(`\n${' '.repeat(16)}`) });
    printFields(ctl, cmd, fields, 15);
  },
});

export const domstate = objectCommand({
  name: 'domstate',
  group: 'monitor',
  help: 'domain state',
  desc: 'Returns state about a domain.',
  object: DOMAIN,
  options: [{ name: 'reason', type: 'bool', help: 'also print reason for the state' }, jsonOpt],
  async run(dom, ctl, cmd) {
    const [state, reason] = await dom.getState();
    const text = cmd.bool('reason') ? `${stateName(state)} (${reasonName(state, reason)})\n` : `${stateName(state)}\n`;
    printValue(ctl, cmd, { state: stateName(state), reason: reasonName(state, reason) }, text);
  },
});

/** domid, domname, domuuid: look a domain up by the two other ways and print the third. */
function conversion(name: string, help: string, ways: LookupWays, show: (dom: Domain) => string) {
  const words = [ways.byId && 'id', ways.byName && 'name', ways.byUUID && 'uuid'].filter(Boolean);
  return objectCommand({
    name,
    group: 'domain',
    help,
    object: DOMAIN,
    // Listed id, name, uuid, which gives virsh's wording: "name or uuid", "id or uuid", "id or name".
    objectHelp: `domain ${words.join(' or ')}`,
    ways,
    async run(dom, ctl) {
      ctl.print(`${show(dom)}\n`);
    },
  });
}

export const domid = conversion('domid', 'convert a domain name or UUID to domain id', { byName: true, byUUID: true },
  (dom) => (dom.getID() < 0 ? '-' : String(dom.getID())));
export const domname = conversion('domname', 'convert a domain id or UUID to domain name', { byId: true, byUUID: true },
  (dom) => dom.getName());
export const domuuid = conversion('domuuid', 'convert a domain name or id to domain UUID', { byId: true, byName: true },
  (dom) => dom.getUUIDString());
