import { ErrorCode, NWFilterBindingCreateFlags, NWFilterDefineFlags, VirError, type Connection, type NWFilter } from '@tsvirt/api';
import { uuidShaped } from '../../uuid-string.js';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { jsonOpt, printTable } from '../../vsh/report.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { lookupObject } from '../../object-lookup.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { editXML } from '../../edit-flow.js';

const nwfilterOpt: OptDef = { name: 'nwfilter', type: 'string', positional: true, required: true, help: 'network filter name or uuid' };
const validateOpt: OptDef = { name: 'validate', type: 'bool', help: 'validate the XML against the schema' };

/** The filter named by option `nwfilter`: by UUID when it is one, then by name. */
async function nwfilterArg(ctl: Ctl, cmd: ParsedCommand): Promise<NWFilter> {
  const conn = await ctl.connect();
  return lookupObject(ctl, cmd, 'nwfilter', (text) => [
    ...(uuidShaped(text) ? [['trying as nwfilter UUID', () => conn.nwfilterLookupByUUIDString(text)] as const] : []),
    ['trying as nwfilter NAME', () => conn.nwfilterLookupByName(text)] as const,
  ], (text) => `failed to get nwfilter '${text}'`);
}

export const nwfilterDefine: CommandDef = {
  name: 'nwfilter-define',
  group: 'filter',
  help: 'define or update a network filter from an XML file',
  desc: 'Define a new network filter or update an existing one.',
  options: [{ name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML network filter description' }, validateOpt],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const xml = await readXMLFile(file);
    let filter: NWFilter;
    try {
      filter = await (await ctl.connect()).nwfilterDefineXML(xml, cmd.bool('validate') ? NWFilterDefineFlags.VALIDATE : 0);
    } catch (e) {
      throw new CommandFailed(`Failed to define network filter from ${file}`, e);
    }
    ctl.extra(`Network filter ${filter.getName()} defined from ${file}\n`);
    return true;
  },
};

export const nwfilterUndefine: CommandDef = {
  name: 'nwfilter-undefine',
  group: 'filter',
  help: 'undefine a network filter',
  desc: 'Undefine a given network filter.',
  options: [nwfilterOpt],
  async run(ctl, cmd) {
    const filter = await nwfilterArg(ctl, cmd);
    const typed = cmd.required('nwfilter');
    try {
      await filter.undefine();
    } catch (e) {
      throw new CommandFailed(`Failed to undefine network filter ${typed}`, e);
    }
    ctl.extra(`Network filter ${typed} undefined\n`);
    return true;
  },
};

export const nwfilterDumpxml: CommandDef = {
  name: 'nwfilter-dumpxml',
  group: 'filter',
  help: 'network filter information in XML',
  desc: 'Output the network filter information as an XML dump to stdout.',
  options: [nwfilterOpt, ...XPATH_OPTS],
  async run(ctl, cmd) {
    await printXML(ctl, cmd, await (await nwfilterArg(ctl, cmd)).getXMLDesc());
    return true;
  },
};

export const nwfilterEdit: CommandDef = {
  name: 'nwfilter-edit',
  group: 'filter',
  help: 'edit XML configuration for a network filter',
  desc: 'Edit the XML configuration for a network filter.',
  options: [nwfilterOpt],
  async run(ctl, cmd) {
    const filter = await nwfilterArg(ctl, cmd);
    const conn = await ctl.connect();
    return editXML(ctl, {
      name: filter.getName(),
      getXML: () => filter.getXMLDesc(),
      define: (xml) => conn.nwfilterDefineXML(xml),
      nameOf: (f) => f.getName(),
      label: (name) => `Network filter ${name}`,
    });
  },
};

/** The filters, through virConnectListAllNWFilters or, where a driver lacks it, the older calls. */
async function listFilters(conn: Connection): Promise<NWFilter[]> {
  try {
    return await conn.listAllNWFilters();
  } catch (e) {
    if (!(e instanceof VirError && e.code === ErrorCode.NO_SUPPORT)) throw new CommandFailed('Failed to list network filters', e);
  }
  try {
    await conn.numOfNWFilters();
  } catch (e) {
    throw new CommandFailed('Failed to count network filters', e);
  }
  let names: string[];
  try {
    names = await conn.listNWFilters();
  } catch (e) {
    throw new CommandFailed('Failed to list network filters', e);
  }
  return Promise.all(names.map((n) => conn.nwfilterLookupByName(n)));
}

export const nwfilterList: CommandDef = {
  name: 'nwfilter-list',
  group: 'filter',
  help: 'list network filters',
  desc: 'Returns list of network filters.',
  options: [jsonOpt],
  async run(ctl, cmd) {
    const filters = (await listFilters(await ctl.connect())).sort((a, b) => (a.getName() < b.getName() ? -1 : 1));
    printTable(ctl, cmd, [
      { title: 'UUID', key: 'uuid', value: (f) => f.getUUIDString() },
      { title: 'Name', key: 'name', value: (f) => f.getName() },
    ], filters);
    return true;
  },
};

const bindingOpt = (help: string): OptDef => ({ name: 'binding', type: 'string', positional: true, required: true, help });

async function bindingArg(ctl: Ctl, cmd: ParsedCommand) {
  const conn = await ctl.connect();
  return lookupObject(ctl, cmd, 'binding', (text) => [['trying as nwfilter binding port dev', () => conn.nwfilterBindingLookupByPortDev(text)]],
    (text) => `failed to get nwfilter binding '${text}'`);
}

export const nwfilterBindingCreate: CommandDef = {
  name: 'nwfilter-binding-create',
  group: 'filter',
  help: 'create a network filter binding from an XML file',
  desc: 'Create a new network filter binding.',
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML network filter binding description' },
    validateOpt,
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const xml = await readXMLFile(file);
    try {
      const binding = await (await ctl.connect()).nwfilterBindingCreateXML(xml, cmd.bool('validate') ? NWFilterBindingCreateFlags.VALIDATE : 0);
      ctl.extra(`Network filter binding on ${binding.getPortDev()} created from ${file}\n`);
    } catch (e) {
      throw new CommandFailed(`Failed to create network filter from ${file}`, e);
    }
    return true;
  },
};

export const nwfilterBindingDelete: CommandDef = {
  name: 'nwfilter-binding-delete',
  group: 'filter',
  help: 'delete a network filter binding',
  desc: 'Delete a given network filter binding.',
  options: [bindingOpt('network filter binding port dev')],
  async run(ctl, cmd) {
    const binding = await bindingArg(ctl, cmd);
    const typed = cmd.required('binding');
    try {
      await binding.delete();
    } catch (e) {
      throw new CommandFailed(`Failed to delete network filter binding ${typed}`, e);
    }
    ctl.extra(`Network filter binding on ${typed} deleted\n`);
    return true;
  },
};

export const nwfilterBindingDumpxml: CommandDef = {
  name: 'nwfilter-binding-dumpxml',
  group: 'filter',
  help: 'network filter information in XML',
  desc: 'Output the network filter information as an XML dump to stdout.',
  options: [bindingOpt('network filter binding portdev'), ...XPATH_OPTS],
  async run(ctl, cmd) {
    await printXML(ctl, cmd, await (await bindingArg(ctl, cmd)).getXMLDesc());
    return true;
  },
};

export const nwfilterBindingList: CommandDef = {
  name: 'nwfilter-binding-list',
  group: 'filter',
  help: 'list network filter bindings',
  desc: 'Returns list of network filter bindings.',
  options: [jsonOpt],
  async run(ctl, cmd) {
    let bindings;
    try {
      bindings = await (await ctl.connect()).listAllNWFilterBindings();
    } catch (e) {
      throw new CommandFailed('Failed to list network filter bindings', e);
    }
    printTable(ctl, cmd, [
      { title: 'Port Dev', key: 'portDev', value: (b) => b.getPortDev() },
      { title: 'Filter', key: 'filter', value: (b) => b.getFilterName() },
    ], bindings.sort((a, b) => (a.getPortDev() < b.getPortDev() ? -1 : 1)));
    return true;
  },
};
