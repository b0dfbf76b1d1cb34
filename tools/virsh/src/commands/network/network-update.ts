import { NetworkUpdateCommand, NetworkUpdateFlags, NetworkUpdateSection } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { NETWORK } from './network-common.js';
import { objectCommand } from '../shared/object-command.js';

const COMMANDS: Readonly<Record<string, number>> = {
  add: NetworkUpdateCommand.ADD_LAST, 'add-last': NetworkUpdateCommand.ADD_LAST, 'add-first': NetworkUpdateCommand.ADD_FIRST,
  delete: NetworkUpdateCommand.DELETE, modify: NetworkUpdateCommand.MODIFY,
};

/** Section names as virsh spells them: NetworkUpdateSection's keys in lower case with dashes. */
const SECTIONS = new Map(Object.entries(NetworkUpdateSection).filter(([, v]) => v > 0).map(([k, v]) => [k.toLowerCase().replace(/_/g, '-'), v]));

export const netUpdate = objectCommand({
  name: 'net-update',
  group: 'network',
  help: "update parts of an existing network's configuration",
  object: NETWORK,
  check(cmd) {
    cmd.exclusive('current', 'live');
    cmd.exclusive('current', 'config');
  },
  options: [
    { name: 'command', type: 'string', positional: true, required: true, help: 'type of update (add-first, add-last (add), delete, or modify)' },
    { name: 'section', type: 'string', positional: true, required: true, help: 'which section of network configuration to update' },
    {
      name: 'xml', type: 'string', positional: true, required: true,
      help: "name of file containing xml (or, if it starts with '<', the complete xml element itself) to add/modify, or to be matched for search",
    },
    { name: 'parent-index', type: 'int', help: 'which parent object to search through' },
    { name: 'config', type: 'bool', help: 'affect next network startup' },
    { name: 'live', type: 'bool', help: 'affect running network' },
    { name: 'current', type: 'bool', help: 'affect current state of network' },
  ],
  async run(net, ctl, cmd) {
    const commandName = cmd.required('command');
    const command = COMMANDS[commandName];
    if (command === undefined) throw new VshError(`unrecognized command name '${commandName}'`);
    const sectionName = cmd.required('section');
    const section = SECTIONS.get(sectionName);
    if (section === undefined) throw new VshError(`unrecognized section name '${sectionName}'`);
    const parentIndex = cmd.int('parent-index') ?? -1;
    const xmlArg = cmd.required('xml');
    const xml = xmlArg.startsWith('<') ? xmlArg : await readXMLFile(xmlArg);
    const [config, live] = [cmd.bool('config'), cmd.bool('live')];
    const flags = (config ? NetworkUpdateFlags.AFFECT_CONFIG : 0) | (live ? NetworkUpdateFlags.AFFECT_LIVE : 0);
    try {
      await net.update(command, section, parentIndex, xml, flags);
    } catch (e) {
      throw new CommandFailed(`Failed to update network ${net.getName()}`, e);
    }
    const what = config && live ? 'persistent config and live state'
      : config ? 'persistent config'
        : live || (await net.isActive()) ? 'live state' : 'persistent config';
    // virsh ends this line with no newline of its own.
    ctl.extra(`Updated network ${net.getName()} ${what}`);
    return true;
  },
});
