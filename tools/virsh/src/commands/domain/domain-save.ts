import { DomainSaveImageXMLFlags, DomainSaveRestoreFlags as S } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { editXML } from '../../edit-flow.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { readXMLFile } from './domain-xml.js';
import { boolOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

const bypassOpt = (what: string): OptDef => boolOpt('bypass-cache', `avoid file system cache when ${what}`);
const xmlOpt: OptDef = { name: 'xml', type: 'string', help: 'filename containing updated XML for the target' };
const requiredXmlOpt: OptDef = { ...xmlOpt, positional: true, required: true };
const securityOpt = boolOpt('security-info', 'include security sensitive information in XML dump');
const verboseOpt = boolOpt('verbose', 'display the progress of save');
const stateOpts = (when: string, running = `set domain to be running on ${when}`, paused = `set domain to be paused on ${when}`): OptDef[] =>
  [boolOpt('running', running), boolOpt('paused', paused)];

/** --bypass-cache, --running, --paused as DomainSaveRestoreFlags. */
function saveFlags(cmd: ParsedCommand): number {
  return (cmd.bool('bypass-cache') ? S.BYPASS_CACHE : 0) | (cmd.bool('running') ? S.RUNNING : 0) |
    (cmd.bool('paused') ? S.PAUSED : 0) | (cmd.bool('reset-nvram') ? S.RESET_NVRAM : 0);
}

/** The `--xml` file's content, read before the call as virsh does. */
async function dxmlOf(cmd: ParsedCommand): Promise<string | undefined> {
  const file = cmd.string('xml');
  return file === undefined ? undefined : readXMLFile(file);
}

/** Runs an API call; a failure is reported under virsh's own line first. */
async function failingAs<T>(message: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new CommandFailed(message, e);
  }
}

export const save: CommandDef = {
  name: 'save',
  group: 'domain',
  help: 'save a domain state to a file',
  desc: 'Save the RAM state of a running domain.',
  options: [
    domainOpt(),
    { name: 'file', type: 'string', positional: true, required: true, help: 'where to save the data' },
    bypassOpt('saving'), xmlOpt, ...stateOpts('restore'), verboseOpt,
  ],
  async run(ctl, cmd) {
    const name = cmd.required('domain');
    const file = cmd.required('file');
    const dom = await domainArg(ctl, cmd);
    const dxml = await dxmlOf(cmd);
    await failingAs(`Failed to save domain '${name}' to ${file}`, () => dom.save(file, dxml, saveFlags(cmd)));
    ctl.extra(`\nDomain '${name}' saved to ${file}\n`);
    return true;
  },
};

export const restore: CommandDef = {
  name: 'restore',
  group: 'domain',
  help: 'restore a domain from a saved state in a file',
  desc: 'Restore a domain.',
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'the state to restore' },
    bypassOpt('restoring'), xmlOpt, ...stateOpts('', 'restore domain into running state', 'restore domain into paused state'),
    boolOpt('reset-nvram', 're-initialize NVRAM from its pristine template'),
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const dxml = await dxmlOf(cmd);
    await failingAs(`Failed to restore domain from ${file}`, () => conn.restore(file, dxml, saveFlags(cmd)));
    ctl.extra(`Domain restored from ${file}\n`);
    return true;
  },
};

export const saveImageDumpxml: CommandDef = {
  name: 'save-image-dumpxml',
  group: 'domain',
  help: 'saved state domain information in XML',
  desc: 'Dump XML of domain information for a saved state file to stdout.',
  options: [{ name: 'file', type: 'string', positional: true, required: true, help: 'saved state file to read' }, securityOpt, ...XPATH_OPTS],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const flags = cmd.bool('security-info') ? DomainSaveImageXMLFlags.SECURE : 0;
    await printXML(ctl, cmd, await conn.saveImageGetXMLDesc(file, flags));
    return true;
  },
};

export const saveImageDefine: CommandDef = {
  name: 'save-image-define',
  group: 'domain',
  help: "redefine the XML for a domain's saved state file",
  desc: 'Replace the domain XML associated with a saved state file',
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'saved state file to modify' },
    requiredXmlOpt, ...stateOpts('restore'),
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const dxml = await readXMLFile(cmd.required('xml'));
    await failingAs(`Failed to update ${file}`, () => conn.saveImageDefineXML(file, dxml, saveFlags(cmd)));
    ctl.extra(`State file ${file} updated.\n`);
    return true;
  },
};

export const managedsave: CommandDef = {
  name: 'managedsave',
  group: 'domain',
  help: 'managed save of a domain state',
  desc: 'Save and destroy a running domain, so it can be restarted from\n    the same state at a later time.  When the virsh \'start\'\n' +
    '    command is next run for the domain, it will automatically\n    be started from this saved state.',
  options: [domainOpt(), bypassOpt('saving'), ...stateOpts('next start'), verboseOpt],
  async run(ctl, cmd) {
    const name = cmd.required('domain');
    const dom = await domainArg(ctl, cmd);
    await failingAs(`Failed to save domain '${name}' state`, () => dom.managedSave(saveFlags(cmd)));
    ctl.extra(`\nDomain '${name}' state saved by libvirt\n`);
    return true;
  },
};

export const managedsaveRemove: CommandDef = {
  name: 'managedsave-remove',
  group: 'domain',
  help: 'Remove managed save of a domain',
  desc: 'Remove an existing managed save state file from a domain',
  options: [domainOpt()],
  async run(ctl, cmd) {
    const name = cmd.required('domain');
    const dom = await domainArg(ctl, cmd);
    const has = await failingAs('Failed to check for domain managed save image', () => dom.hasManagedSaveImage());
    if (!has) {
      ctl.extra(`Domain '${name}' has no manage save image; removal skipped`);
      return true;
    }
    await failingAs(`Failed to remove managed save image for domain '${name}'`, () => dom.managedSaveRemove());
    ctl.extra(`Removed managedsave image for domain '${name}'`);
    return true;
  },
};

export const managedsaveDumpxml = objectCommand({
  name: 'managedsave-dumpxml',
  group: 'domain',
  help: 'Domain information of managed save state file in XML',
  desc: 'Dump XML of domain information for a managed save state file to stdout.',
  object: DOMAIN,
  options: [securityOpt, ...XPATH_OPTS],
  async run(dom, ctl, cmd) {
    const flags = cmd.bool('security-info') ? DomainSaveImageXMLFlags.SECURE : 0;
    await printXML(ctl, cmd, await dom.managedSaveGetXMLDesc(flags));
    return true;
  },
});

export const managedsaveDefine = objectCommand({
  name: 'managedsave-define',
  group: 'domain',
  help: "redefine the XML for a domain's managed save state file",
  desc: 'Replace the domain XML associated with a managed save state file',
  object: DOMAIN,
  options: [requiredXmlOpt, ...stateOpts('start')],
  async run(dom, ctl, cmd) {
    const dxml = await readXMLFile(cmd.required('xml'));
    await failingAs(`Failed to update ${dom.getName()} XML configuration`, () => dom.managedSaveDefineXML(dxml, saveFlags(cmd)));
    ctl.extra(`Managed save image of domain '${dom.getName()}' updated.\n`);
    return true;
  },
});

export const saveImageEdit: CommandDef = {
  name: 'save-image-edit',
  group: 'domain',
  help: "edit XML for a domain's saved state file",
  desc: 'Edit the domain XML associated with a saved state file',
  options: [{ name: 'file', type: 'string', positional: true, required: true, help: 'saved state file to edit' }, ...stateOpts('restore')],
  async run(ctl, cmd) {
    cmd.exclusive('running', 'paused');
    const file = cmd.required('file');
    const conn = await ctl.connect();
    return editXML(ctl, {
      name: file,
      getXML: () => conn.saveImageGetXMLDesc(file, DomainSaveImageXMLFlags.SECURE),
      define: (xml) => conn.saveImageDefineXML(file, xml, saveFlags(cmd)),
      nameOf: () => file,
      label: (name) => `Saved image ${name}`,
      editedLine: (name) => `State file ${name} edited.`,
    });
  },
};

export const managedsaveEdit = objectCommand({
  name: 'managedsave-edit',
  group: 'domain',
  help: "edit XML for a domain's managed save state file",
  desc: 'Edit the domain XML associated with the managed save state file',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('running', 'paused');
  },
  options: [...stateOpts('start')],
  async run(dom, ctl, cmd) {
    return editXML(ctl, {
      name: dom.getName(),
      getXML: () => dom.managedSaveGetXMLDesc(DomainSaveImageXMLFlags.SECURE),
      define: (xml) => dom.managedSaveDefineXML(xml, saveFlags(cmd)),
      nameOf: () => dom.getName(),
      label: (name) => `Managed save image of domain '${name}'`,
      editedLine: (name) => `Managed save image of Domain '${name}' XML configuration edited.`,
    });
  },
});
