import { NodeDeviceCreateXMLFlags, NodeDeviceDefineXMLFlags, type Connection, type NodeDevice } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { readXMLFile } from '../domain/domain-xml.js';

const fileOpt: OptDef = { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML description of the device' };
const validateOpt: OptDef = { name: 'validate', type: 'bool', help: 'validate the XML against the schema' };

/** nodedev-create and nodedev-define: a device from an XML file, with each command's own words. */
function fromFile(spec: {
  name: string;
  help: string;
  desc: string;
  make: (conn: Connection, xml: string, validate: boolean) => Promise<NodeDevice>;
  done: (dev: string, file: string) => string;
  failed: (file: string) => string;
}): CommandDef {
  return {
    name: spec.name,
    group: 'nodedev',
    help: spec.help,
    desc: spec.desc,
    options: [fileOpt, validateOpt],
    async run(ctl, cmd) {
      const file = cmd.required('file');
      const xml = await readXMLFile(file);
      let dev: NodeDevice;
      try {
        dev = await spec.make(await ctl.connect(), xml, cmd.bool('validate'));
      } catch (e) {
        throw new CommandFailed(spec.failed(file), e);
      }
      ctl.extra(spec.done(dev.getName(), file));
      return true;
    },
  };
}

export const nodedevCreate = fromFile({
  name: 'nodedev-create',
  help: 'create a device defined by an XML file on the node',
  desc: 'Create a device on the node.  Note that this command creates devices on the physical host that can then be assigned to a virtual machine.',
  make: (conn, xml, validate) => conn.nodeDeviceCreateXML(xml, validate ? NodeDeviceCreateXMLFlags.VALIDATE : 0),
  done: (dev, file) => `Node device ${dev} created from ${file}\n`,
  failed: (file) => `Failed to create node device from ${file}`,
});

export const nodedevDefine = fromFile({
  name: 'nodedev-define',
  help: 'Define a device by an xml file on a node',
  desc: 'Defines a persistent device on the node that can be assigned to a domain. The device must be started before it can be assigned to a domain.',
  make: (conn, xml, validate) => conn.nodeDeviceDefineXML(xml, validate ? NodeDeviceDefineXMLFlags.VALIDATE : 0),
  done: (dev, file) => `Node device '${dev}' defined from '${file}'\n`,
  failed: (file) => `Failed to define node device from '${file}'`,
});
