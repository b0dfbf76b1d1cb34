import { InterfaceDefineFlags, InterfaceXMLFlags, ListInterfacesFlags as F, type Interface } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { jsonOpt, printTable, type Column } from '../../vsh/report.js';
import { lookupObject, type LookupAttempt } from '../../object-lookup.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { objectCommand, type ObjectKind } from '../shared/object-command.js';

/** virMacAddrParse's shape: six hex bytes of one or two digits, colon separated. */
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

export function interfaceOpt(help = 'interface name or MAC address'): OptDef {
  return { name: 'interface', type: 'string', positional: true, required: true, help };
}

/**
 * The interface named by option `interface`: by MAC address when the text is one, else by name;
 * a command that takes only the other kind tries nothing.
 */
export async function interfaceArg(
  ctl: Ctl, cmd: ParsedCommand, ways: InterfaceLookupWays = { byMAC: true, byName: true }, opt = 'interface',
): Promise<Interface> {
  const conn = await ctl.connect();
  return lookupObject(ctl, cmd, opt, (text): Array<LookupAttempt<Interface>> => {
    if (MAC.test(text)) return ways.byMAC ? [['trying as interface MAC', () => conn.interfaceLookupByMACString(text)]] : [];
    return ways.byName ? [['trying as interface NAME', () => conn.interfaceLookupByName(text)]] : [];
  }, (text) => `failed to get interface '${text}'`);
}

/** Which ways a command lets the user name an interface. */
export interface InterfaceLookupWays {
  readonly byMAC?: boolean;
  readonly byName?: boolean;
}

/** Host interfaces as command objects: option `interface`, found by MAC address or name. */
export const INTERFACE: ObjectKind<Interface, InterfaceLookupWays> = { option: interfaceOpt, find: (ctl, cmd, ways) => interfaceArg(ctl, cmd, ways) };

interface InterfaceRow {
  readonly iface: Interface;
  readonly active: boolean;
}

const COLUMNS: readonly Column<InterfaceRow>[] = [
  { title: 'Name', key: 'name', value: (r) => r.iface.getName() },
  { title: 'State', key: 'active', value: (r) => r.active, text: (r) => (r.active ? 'active' : 'inactive') },
  { title: 'MAC Address', key: 'mac', value: (r) => r.iface.getMACString() },
];

export const ifaceList: CommandDef = {
  name: 'iface-list',
  group: 'interface',
  help: 'list physical host interfaces',
  desc: 'Returns list of physical host interfaces.',
  options: [
    { name: 'inactive', type: 'bool', help: 'list inactive interfaces' },
    { name: 'all', type: 'bool', help: 'list inactive & active interfaces' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = cmd.bool('all') ? F.ACTIVE | F.INACTIVE : cmd.bool('inactive') ? F.INACTIVE : F.ACTIVE;
    const key = (i: Interface): string => i.getName().toLowerCase();
    const ifaces = (await (await ctl.connect()).listAllInterfaces(flags)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const rows: InterfaceRow[] = [];
    for (const iface of ifaces) rows.push({ iface, active: await iface.isActive() });
    printTable(ctl, cmd, COLUMNS, rows);
    return true;
  },
};

/** iface-name and iface-mac: look an interface up by the one and print the other. */
function conversion(name: string, help: string, objectHelp: string, byMAC: boolean) {
  return objectCommand({
    name,
    group: 'interface',
    help,
    object: INTERFACE,
    objectHelp,
    ways: byMAC ? { byMAC } : { byName: true },
    async run(iface, ctl) {
      ctl.print(`${byMAC ? iface.getName() : iface.getMACString()}\n`);
    },
  });
}

export const ifaceName = conversion('iface-name', 'convert an interface MAC address to interface name', 'interface mac', true);
export const ifaceMac = conversion('iface-mac', 'convert an interface name to interface MAC address', 'interface name', false);

export const ifaceDefine: CommandDef = {
  name: 'iface-define',
  group: 'interface',
  help: 'define an inactive persistent physical host interface or modify an existing persistent one from an XML file',
  desc: 'Define or modify a persistent physical host interface.',
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML interface description' },
    { name: 'validate', type: 'bool', help: 'validate the XML against the schema' },
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const xml = await readXMLFile(file);
    try {
      const iface = await conn.interfaceDefineXML(xml, cmd.bool('validate') ? InterfaceDefineFlags.VALIDATE : 0);
      ctl.extra(`Interface ${iface.getName()} defined from ${file}\n`);
    } catch (e) {
      throw new CommandFailed(`Failed to define interface from ${file}`, e);
    }
    return true;
  },
};

/** iface-start, iface-destroy, iface-undefine: act on one interface, named in the messages as typed. */
function acting(name: string, help: string, desc: string, verb: string, done: string, act: (i: Interface) => Promise<void>) {
  return objectCommand({
    name,
    group: 'interface',
    help,
    desc,
    object: INTERFACE,
    async run(iface, ctl, cmd) {
      const typed = cmd.required('interface');
      try {
        await act(iface);
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} interface ${typed}`, e);
      }
      ctl.extra(`Interface ${typed} ${done}\n`);
    },
  });
}

export const ifaceStart = acting('iface-start', 'start a physical host interface (enable it / "if-up")',
  'start a physical host interface.', 'start', 'started', (i) => i.create());
export const ifaceDestroy = acting('iface-destroy', 'destroy a physical host interface (disable it / "if-down")',
  'forcefully stop a physical host interface.', 'destroy', 'destroyed', (i) => i.destroy());
export const ifaceUndefine = acting('iface-undefine', 'undefine a physical host interface (remove it from configuration)',
  'undefine an interface.', 'undefine', 'undefined', (i) => i.undefine());

export const ifaceDumpxml = objectCommand({
  name: 'iface-dumpxml',
  group: 'interface',
  help: 'interface information in XML',
  desc: 'Output the physical host interface information as an XML dump to stdout.',
  object: INTERFACE,
  options: [{ name: 'inactive', type: 'bool', help: 'show inactive defined XML' }, ...XPATH_OPTS],
  async run(iface, ctl, cmd) {
    await printXML(ctl, cmd, await iface.getXMLDesc(cmd.bool('inactive') ? InterfaceXMLFlags.INACTIVE : 0));
  },
});

/** iface-begin, iface-commit, iface-rollback: the interface change transaction. */
function transaction(name: string, help: string, desc: string, verb: string, done: string, act: (ctl: Ctl) => Promise<void>): CommandDef {
  return {
    name,
    group: 'interface',
    help,
    desc,
    options: [],
    async run(ctl) {
      try {
        await act(ctl);
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} network config change transaction`, e);
      }
      ctl.extra(`Network config change transaction ${done}\n`);
      return true;
    },
  };
}

export const ifaceBegin = transaction('iface-begin',
  'create a snapshot of current interfaces settings, which can be later committed (iface-commit) or restored (iface-rollback)',
  'Create a restore point for interfaces settings', 'begin', 'started', async (ctl) => (await ctl.connect()).changeBegin());
export const ifaceCommit = transaction('iface-commit', 'commit changes made since iface-begin and free restore point',
  'commit changes and free restore point', 'commit', 'committed', async (ctl) => (await ctl.connect()).changeCommit());
export const ifaceRollback = transaction('iface-rollback', 'rollback to previous saved configuration created via iface-begin',
  'rollback to previous restore point', 'rollback', 'rolled back', async (ctl) => (await ctl.connect()).changeRollback());
