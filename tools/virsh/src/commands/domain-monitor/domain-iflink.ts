import { attr, firstChild, type XmlElement } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { childAttr, domainDevices } from '../../domain-devices-xml.js';
import { normalizeMac } from '../../mac-address.js';

/** The interfaces whose MAC (normalized, when the text is one) or host-side name is `text`, as virsh's XPath selects them. */
function matching(ifaces: readonly XmlElement[], text: string): XmlElement[] {
  const mac = normalizeMac(text) ?? '';
  return ifaces.filter((i) => childAttr(i, 'mac', 'address') === mac || childAttr(i, 'target', 'dev') === text);
}

/** virsh reads the interface before it looks the domain up, and prints the name as given. */
export const domifGetlink: CommandDef = {
  name: 'domif-getlink',
  group: 'monitor',
  help: 'get link state of a virtual interface',
  desc: "Get link state of a domain's virtual interface.",
  options: [
    domainOpt(),
    { name: 'interface', type: 'string', positional: true, required: true, help: 'interface device (MAC Address)' },
    { name: 'persistent', type: 'alias', aliasOf: 'config', help: '' },
    { name: 'config', type: 'bool', help: 'Get persistent interface state' },
  ],
  async run(ctl, cmd) {
    const text = cmd.required('interface');
    const dom = await domainArg(ctl, cmd);
    const found = matching(await domainDevices(dom, 'interface', cmd.bool('config')), text);
    if (found.length === 0) {
      const mac = normalizeMac(text);
      throw new VshError(mac === undefined ? `Interface (dev: ${text}) not found.` : `Interface (mac: ${mac}) not found.`);
    }
    if (found.length > 1) throw new VshError('multiple matching interfaces found');
    const link = firstChild(found[0]!, 'link');
    ctl.print(`${text} ${(link && attr(link, 'state')) || 'up'}`);
    return true;
  },
};
