import { NetworkPortCreateFlags, type NetworkPort } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, DebugLevel, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { jsonOpt, printTable, wantsJSON } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { networkArg, networkOpt, NETWORK } from './network-common.js';
import { objectCommand } from '../shared/object-command.js';

const portOpt: OptDef = { name: 'port', type: 'string', positional: true, required: true, help: 'port UUID' };

/**
 * The port named by options `network` and `port` (by UUID only). virsh 9.0's port commands report
 * a failed lookup with their own line alone and still exit 0, so that is answered as undefined.
 */
async function portArg(ctl: Ctl, cmd: ParsedCommand): Promise<NetworkPort | undefined> {
  try {
    const net = await networkArg(ctl, cmd);
    const text = cmd.required('port');
    ctl.debug(DebugLevel.INFO, `${cmd.def.name}: found option <port>: ${text}`);
    try {
      return await net.portLookupByUUIDString(text);
    } catch {
      throw new VshError(`failed to get network port '${text}'`);
    }
  } catch (e) {
    if (!(e instanceof CommandFailed || e instanceof VshError)) throw e;
    ctl.error(e.message);
    return undefined;
  }
}

export const netPortList = objectCommand({
  name: 'net-port-list',
  group: 'network',
  help: 'list network ports',
  desc: 'Returns list of network ports.',
  object: NETWORK,
  check(cmd) {
    if (cmd.bool('uuid') && cmd.bool('table')) throw new VshError('Only one argument from --table and --uuid may be specified.');
  },
  options: [
    { name: 'uuid', type: 'bool', help: "list uuid's only" },
    { name: 'table', type: 'bool', help: 'list table (default)' },
    jsonOpt,
  ],
  async run(net, ctl, cmd) {
    const ports = (await net.listAllPorts()).sort((a, b) => (a.getUUIDString() < b.getUUIDString() ? -1 : 1));
    if (cmd.bool('uuid') && !wantsJSON(ctl, cmd)) {
      ctl.print(ports.map((p) => `${p.getUUIDString()}\n`).join(''));
      return true;
    }
    printTable(ctl, cmd, [{ title: 'UUID', key: 'uuid', value: (p: NetworkPort) => p.getUUIDString() }], ports);
    return true;
  },
});

export const netPortCreate = objectCommand({
  name: 'net-port-create',
  group: 'network',
  help: 'create a network port from an XML file',
  desc: 'Create a network port.',
  object: NETWORK,
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML network port description' },
    { name: 'validate', type: 'bool', help: 'validate the XML against the schema' },
  ],
  async run(net, ctl, cmd) {
    const file = cmd.required('file');
    const xml = await readXMLFile(file);
    let port: NetworkPort;
    try {
      port = await net.portCreateXML(xml, cmd.bool('validate') ? NetworkPortCreateFlags.VALIDATE : 0);
    } catch (e) {
      // virsh 9.0's words: "network", not "network port".
      throw new CommandFailed(`Failed to create network from ${file}`, e);
    }
    ctl.extra(`Network port ${port.getUUIDString()} created from ${file}\n`);
    return true;
  },
});

export const netPortDumpxml: CommandDef = {
  name: 'net-port-dumpxml',
  group: 'network',
  help: 'network port information in XML',
  desc: 'Output the network port information as an XML dump to stdout.',
  options: [networkOpt(), portOpt, ...XPATH_OPTS],
  async run(ctl, cmd) {
    const port = await portArg(ctl, cmd);
    if (port) await printXML(ctl, cmd, await port.getXMLDesc());
    return true;
  },
};

export const netPortDelete: CommandDef = {
  name: 'net-port-delete',
  group: 'network',
  help: 'delete the specified network port',
  desc: 'Delete the specified network port.',
  options: [networkOpt(), portOpt],
  async run(ctl, cmd) {
    const port = await portArg(ctl, cmd);
    if (!port) return true;
    const uuid = port.getUUIDString();
    try {
      await port.delete();
    } catch (e) {
      throw new CommandFailed(`Failed to delete network port ${uuid}`, e);
    }
    ctl.extra(`Network port ${uuid} deleted\n`);
    return true;
  },
};
