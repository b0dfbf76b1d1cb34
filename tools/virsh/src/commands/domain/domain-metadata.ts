import { DomainMetadataType as M, DomainXMLFlags } from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { boolOpt, impactFlags } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

const IMPACT_OPTS = [
  boolOpt('live', 'modify/get running state'),
  boolOpt('config', 'modify/get persistent configuration'),
  boolOpt('current', 'modify/get current state configuration'),
];

export const autostart: CommandDef = {
  name: 'autostart',
  group: 'domain',
  help: 'autostart a domain',
  desc: 'Configure a domain to be automatically started at boot.',
  options: [domainOpt(), boolOpt('disable', 'disable autostarting')],
  async run(ctl, cmd) {
    const name = cmd.required('domain');
    const dom = await domainArg(ctl, cmd);
    const on = !cmd.bool('disable');
    try {
      await dom.setAutostart(on);
    } catch (e) {
      throw new CommandFailed(`Failed to ${on ? 'mark' : 'unmark'} domain '${name}' as autostarted`, e);
    }
    ctl.extra(`Domain '${name}' ${on ? 'marked' : 'unmarked'} as autostarted\n`);
    return true;
  },
};

export const domrename = objectCommand({
  name: 'domrename',
  group: 'domain',
  help: 'rename a domain',
  desc: 'Rename an inactive domain.',
  object: DOMAIN,
  objectHelp: 'domain name or uuid',
  ways: { byName: true, byUUID: true },
  options: [
    { name: 'new-name', type: 'string', positional: true, required: true, help: 'new domain name' },
  ],
  async run(dom, ctl, cmd) {
    await dom.rename(cmd.required('new-name'));
    ctl.extra('Domain successfully renamed\n');
    return true;
  },
});

export const desc: CommandDef = {
  name: 'desc',
  group: 'domain',
  help: "show or set domain's description or title",
  desc: 'Allows setting or modifying the description or title of a domain.',
  options: [
    domainOpt(),
    ...IMPACT_OPTS,
    boolOpt('title', 'modify/get the title instead of description'),
    boolOpt('edit', 'open an editor to modify the description'),
    { name: 'new-desc', type: 'argv', help: 'message' },
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const title = cmd.bool('title');
    if (cmd.bool('edit')) throw new VshError('desc --edit needs an editor, which tsvirsh does not run');
    const words = cmd.argv('new-desc');
    if (words.length > 0) {
      try {
        await dom.setMetadata(title ? M.TITLE : M.DESCRIPTION, words.join(' '), undefined, undefined, flags);
      } catch (e) {
        throw new CommandFailed(`Failed to set new domain ${title ? 'title' : 'description'}`, e);
      }
      ctl.extra(`Domain ${title ? 'title' : 'description'} updated successfully`);
      return true;
    }
    // virsh reads the value from the domain's XML, the persistent one with --config.
    const def = parseDomainXML(await dom.getXMLDesc(cmd.bool('config') ? DomainXMLFlags.INACTIVE : 0));
    const value = (title ? def.title : def.description) ?? '';
    // virsh prints these without a newline: the one after every command ends the line.
    if (value) ctl.print(value);
    else ctl.extra(`No ${title ? 'title' : 'description'} for domain: ${dom.getName()}`);
    return true;
  },
};

export const metadata: CommandDef = {
  name: 'metadata',
  group: 'domain',
  help: "show or set domain's custom XML metadata",
  desc: 'Shows or modifies the XML metadata of a domain.',
  options: [
    domainOpt(),
    { name: 'uri', type: 'string', positional: true, required: true, help: 'URI of the namespace' },
    ...IMPACT_OPTS,
    boolOpt('edit', 'use an editor to change the metadata'),
    { name: 'key', type: 'string', help: 'key to be used as a namespace identifier' },
    { name: 'set', type: 'string', help: 'new metadata to set' },
    boolOpt('remove', 'remove the metadata corresponding to an uri'),
  ],
  async run(ctl, cmd) {
    cmd.exclusive('edit', 'set');
    cmd.exclusive('remove', 'set');
    cmd.exclusive('remove', 'edit');
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const uri = cmd.required('uri');
    const key = cmd.string('key');
    const set = cmd.string('set');
    if ((set !== undefined || cmd.bool('edit')) && key === undefined) {
      throw new VshError('namespace key is required when modifying metadata');
    }
    if (cmd.bool('edit')) throw new VshError('metadata --edit needs an editor, which tsvirsh does not run');
    if (set !== undefined || cmd.bool('remove')) {
      await dom.setMetadata(M.ELEMENT, set, key, uri, flags);
      ctl.extra(`${cmd.bool('remove') ? 'Metadata removed' : 'Metadata modified'}\n`);
      return true;
    }
    ctl.print(`${await dom.metadata(M.ELEMENT, uri, flags)}\n`);
    return true;
  },
};
