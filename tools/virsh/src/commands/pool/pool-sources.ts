import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import { optionalString } from '../../storage-lookup.js';
import { readXMLFile } from '../domain/domain-xml.js';

const typeOpt = (help: string): OptDef => ({ name: 'type', type: 'string', positional: true, required: true, help });

/** Prints the `<sources>` the driver finds, or virsh's failure naming the type. */
async function findSources(ctl: Ctl, type: string, srcSpec: string | undefined): Promise<boolean> {
  const conn = await ctl.connect();
  try {
    ctl.print(await conn.findStoragePoolSources(type, srcSpec));
  } catch (e) {
    throw new CommandFailed(`Failed to find any ${type} pool sources`, e);
  }
  return true;
}

export const findStoragePoolSourcesAs: CommandDef = {
  name: 'find-storage-pool-sources-as',
  group: 'pool',
  help: 'find potential storage pool sources',
  desc: 'Returns XML <sources> document.',
  options: [
    typeOpt('type of storage pool sources to find'),
    { name: 'host', type: 'string', help: 'optional host to query' },
    { name: 'port', type: 'string', help: 'optional port to query' },
    { name: 'initiator', type: 'string', help: 'optional initiator IQN to use for query' },
  ],
  async run(ctl, cmd) {
    const type = cmd.required('type');
    const host = optionalString(cmd, 'host');
    const port = optionalString(cmd, 'port');
    const initiator = optionalString(cmd, 'initiator');
    // The <source> to narrow the search, written as virsh writes it: values as given, unescaped.
    let spec: string | undefined;
    if (host !== undefined) {
      spec = `<source>\n  <host name='${host}'${port !== undefined ? ` port='${port}'` : ''}/>\n`;
      if (initiator !== undefined) spec += `  <initiator>\n    <iqn name='${initiator}'/>\n  </initiator>\n`;
      spec += '</source>\n';
    }
    return findSources(ctl, type, spec);
  },
};

export const findStoragePoolSources: CommandDef = {
  name: 'find-storage-pool-sources',
  group: 'pool',
  help: 'discover potential storage pool sources',
  desc: 'Returns XML <sources> document.',
  options: [
    typeOpt('type of storage pool sources to discover'),
    { name: 'srcSpec', type: 'string', help: 'optional file of source xml to query for pools' },
  ],
  async run(ctl, cmd) {
    const type = cmd.required('type');
    const file = optionalString(cmd, 'srcSpec');
    return findSources(ctl, type, file === undefined ? undefined : await readXMLFile(file));
  },
};
