import type { CommandDef } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { domainArg } from '../../domain-lookup.js';
import { readXMLFile } from './domain-xml.js';

export const domxmlFromNative: CommandDef = {
  name: 'domxml-from-native',
  group: 'domain',
  help: 'Convert native config to domain XML',
  desc: 'Convert native guest configuration format to domain XML format.',
  options: [
    { name: 'format', type: 'string', positional: true, required: true, help: 'source config data format' },
    { name: 'config', type: 'string', positional: true, required: true, help: 'config data file to import from' },
  ],
  async run(ctl, cmd) {
    const format = cmd.required('format');
    const config = await readXMLFile(cmd.required('config'));
    const conn = await ctl.connect();
    ctl.print(`${await conn.domainXMLFromNative(format, config)}`);
    return true;
  },
};

export const domxmlToNative: CommandDef = {
  name: 'domxml-to-native',
  group: 'domain',
  help: 'Convert domain XML to native config',
  desc: 'Convert domain XML config to a native guest configuration format.',
  options: [
    { name: 'format', type: 'string', positional: true, required: true, help: 'target config data type format' },
    { name: 'domain', type: 'string', namedOnly: true, help: 'domain name, id or uuid' },
    { name: 'xml', type: 'string', help: 'xml data file to export from' },
  ],
  async run(ctl, cmd) {
    cmd.exclusive('domain', 'xml');
    const format = cmd.required('format');
    const file = nonEmptyOpt(cmd, 'xml');
    let xml: string;
    if (cmd.has('domain')) {
      xml = await (await domainArg(ctl, cmd)).getXMLDesc();
    } else if (file !== undefined) {
      xml = await readXMLFile(file);
    } else {
      throw new VshError('need either domain or domain XML');
    }
    const conn = await ctl.connect();
    // virsh prints the line as the driver gives it (libvirt's has no newline of its own).
    ctl.print(await conn.domainXMLToNative(format, xml));
    return true;
  },
};
