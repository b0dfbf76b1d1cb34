import { DomainXMLFlags } from '@tsvirt/api';
import { DOMAIN } from '../../domain-lookup.js';
import { nonEmptyOpt, scaledOpt, uintOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { boolOpt, configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

/**
 * virsh picks the device with its own XPath over the domain's XML (so an alias is matched as
 * libxml2 reads the expression it is pasted into), sets `<requested>` in KiB and updates the
 * device with what it then dumps.
 */
export const updateMemoryDevice = objectCommand({
  name: 'update-memory-device',
  group: 'domain',
  help: 'update memory device of a domain',
  desc: 'Update values of a memory device of a domain',
  object: DOMAIN,
  options: [
    configOpt,
    liveOpt,
    currentOpt,
    boolOpt('print-xml', 'print updated memory device XML instead of executing the change'),
    { name: 'alias', type: 'string', help: 'memory device alias' },
    { name: 'node', type: 'int', help: 'memory device target node' },
    { name: 'requested-size', type: 'int', help: 'new value of <requested/> size, as scaled integer (default KiB)' },
  ],
  check(cmd) {
    impactFlags(cmd);
    cmd.exclusive('node', 'alias');
  },
  async run(dom, ctl, cmd) {
    const flags = impactFlags(cmd);
    const alias = nonEmptyOpt(cmd, 'alias');
    const node = uintOpt(cmd, 'node');
    const xml = await dom.getXMLDesc(cmd.bool('config') ? DomainXMLFlags.INACTIVE : 0);
    const expr = alias !== undefined ? `/domain/devices/memory[./alias/@name='${alias}']`
      : node !== undefined ? `/domain/devices/memory[./target/node='${node}']` : '/domain/devices/memory';
    // The XPath engine is loaded only by the commands that need it.
    const { dumpAsIs, loadXPath, selectForEdit } = await import('../../xpath-select.js');
    const xpath = await loadXPath();
    const { nodes, stderr } = selectForEdit(xpath, xml, expr);
    ctl.rawError(stderr);
    if (nodes.length === 0) throw new VshError('no memory device found');
    if (nodes.length > 1) throw new VshError('multiple memory devices found, use --alias or --node to select one');
    const mem = nodes[0]!;
    // virsh reads the size only once it has the one device.
    const requested = scaledOpt(cmd, 'requested-size', 1024n);
    if (requested !== undefined) {
      const target = xpath.select('./target/requested', mem);
      if (!Array.isArray(target) || target.length === 0) throw new VshError('virtio-mem device is missing <requested/>');
      target[0]!.textContent = String(requested / 1024n);
    }
    const device = dumpAsIs(mem);
    if (cmd.bool('print-xml')) ctl.print(device);
    else await dom.updateDeviceFlags(device, flags);
    return true;
  },
});
