import { DomainDeviceModifyFlags as F, DomainXMLFlags } from '@tsvirt/api';
import { childElements, element, firstChild, parseXml, setAttr, type XmlElement } from '@tsvirt/conf';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { childAttr } from '../../domain-devices-xml.js';
import { dumpElement } from '../../xml-dump.js';
import { objectCommand } from '../shared/object-command.js';
import { boolOpt } from '../shared/modify-impact.js';

/** The first interface whose MAC is `text` (any case, no normalizing) or whose host-side name is. */
function findInterface(ifaces: readonly XmlElement[], text: string): XmlElement {
  const found = ifaces.find((i) => childAttr(i, 'mac', 'address')?.toLowerCase() === text.toLowerCase()
    || childAttr(i, 'target', 'dev') === text);
  if (!found) throw new VshError(`interface '${text}' not found`);
  return found;
}

/** virsh sets `<link state>` in the device as the domain's XML has it and updates the device with that. */
export const domifSetlink = objectCommand({
  name: 'domif-setlink',
  group: 'domain',
  help: 'set link state of a virtual interface',
  desc: "Set link state of a domain's virtual interface. This command wraps usage of update-device command.",
  object: DOMAIN,
  options: [
    { name: 'interface', type: 'string', positional: true, required: true, help: 'interface device (MAC Address)' },
    { name: 'state', type: 'string', positional: true, required: true, help: 'new state of the device' },
    { name: 'persistent', type: 'alias', aliasOf: 'config', help: '' },
    boolOpt('config', 'affect next boot'),
    boolOpt('print-xml', 'print XML document rather than set the interface link state'),
  ],
  async run(dom, ctl, cmd) {
    const text = cmd.required('interface');
    const state = cmd.required('state');
    if (state !== 'up' && state !== 'down') throw new VshError(`invalid link state '${state}'`);
    const config = cmd.bool('config');
    // A shut-off domain has only its next boot to change.
    const flags = config || !(await dom.isActive()) ? F.CONFIG : F.LIVE;
    const root = parseXml(await dom.getXMLDesc(config ? DomainXMLFlags.INACTIVE : 0), 'domain_definition');
    const devices = firstChild(root, 'devices');
    const ifaces = devices ? childElements(devices, 'interface') : [];
    if (ifaces.length === 0) throw new VshError('Failed to extract interface information or no interfaces found');
    const iface = findInterface(ifaces, text);
    const link = firstChild(iface, 'link');
    if (link) setAttr(link, 'state', state);
    else iface.children.push(element('link', [['state', state]]));
    const xml = dumpElement(iface);
    if (cmd.bool('print-xml')) {
      ctl.print(xml);
      return true;
    }
    try {
      await dom.updateDeviceFlags(xml, flags);
    } catch (e) {
      throw new CommandFailed('Failed to update interface link state', e);
    }
    ctl.extra('Device updated successfully\n');
    return true;
  },
});
