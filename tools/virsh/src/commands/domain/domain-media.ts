import { DomainDeviceModifyFlags as F, DomainXMLFlags } from '@tsvirt/api';
import { childElements, element, firstChild, parseXml, setAttr, textNode, type XmlElement } from '@tsvirt/conf';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { childAttr } from '../../domain-devices-xml.js';
import { dumpElement } from '../../xml-dump.js';
import { objectCommand } from '../shared/object-command.js';
import { boolOpt, configOpt, currentOpt, impactFlags } from '../shared/modify-impact.js';

type Action = 'eject' | 'insert' | 'update';

const DONE: Readonly<Record<Action, string>> = {
  eject: 'Successfully ejected media.', insert: 'Successfully inserted media.', update: 'Successfully updated media.',
};

/** The cdrom or floppy whose target or source path is `path`, as virsh finds a changeable disk. */
function findRemovable(root: XmlElement, path: string): XmlElement {
  const devices = firstChild(root, 'devices');
  const found = (devices ? childElements(devices, 'disk') : []).find((d) => {
    const device = d.attrs.find(([k]) => k === 'device')?.[1];
    if (device !== 'cdrom' && device !== 'floppy') return false;
    const source = firstChild(d, 'source');
    return childAttr(d, 'target', 'dev') === path || (source !== undefined && source.attrs.some(([k, v]) => ['file', 'dev', 'dir', 'name'].includes(k) && v === path));
  });
  if (!found) throw new VshError(`No disk found whose source path or target is ${path}`);
  return found;
}

/** The disk's element as virsh rewrites it: the old `<source>` taken out, a new one put before `<target>`. */
function rewriteDisk(disk: XmlElement, action: Action, source: string | undefined, block: boolean): XmlElement {
  const dev = childAttr(disk, 'target', 'dev') ?? '';
  const old = firstChild(disk, 'source');
  if (action === 'insert' && source === undefined) throw new VshError('New disk media source was not specified');
  if (action === 'insert' && old) throw new VshError(`The disk device '${dev}' already has media`);
  if (source === undefined && !old) throw new VshError(`The disk device '${dev}' doesn't have media`);
  if (old) disk.children.splice(disk.children.indexOf(old), 1);
  if (action !== 'eject' && source !== undefined) {
    setAttr(disk, 'type', block ? 'block' : 'file');
    const target = firstChild(disk, 'target');
    const at = target ? disk.children.indexOf(target) : disk.children.length;
    disk.children.splice(at, 0, element('source', [[block ? 'dev' : 'file', source]]), textNode('\n      '));
  }
  return disk;
}

export const changeMedia = objectCommand({
  name: 'change-media',
  group: 'domain',
  help: 'Change media of CD or floppy drive',
  desc: 'Change media of CD or floppy drive.',
  object: DOMAIN,
  options: [
    { name: 'path', type: 'string', positional: true, required: true, help: 'Fully-qualified path or target of disk device' },
    { name: 'source', type: 'string', positional: true, helpAsNamed: true, help: 'source of the media' },
    boolOpt('eject', 'Eject the media'),
    boolOpt('insert', 'Insert the media'),
    boolOpt('update', 'Update the media'),
    { ...currentOpt, help: 'can be either or both of --live and --config, depends on implementation hypervisor driver' },
    boolOpt('live', 'alter live configuration of running domain'),
    { ...configOpt, help: 'alter persistent configuration, effect observed on next boot' },
    boolOpt('force', 'force media changing'),
    boolOpt('print-xml', 'print XML document rather than change media'),
    boolOpt('block', 'source media is a block device'),
  ],
  async run(dom, ctl, cmd) {
    cmd.exclusive('eject', 'insert');
    cmd.exclusive('eject', 'update');
    cmd.exclusive('insert', 'update');
    const action: Action = cmd.bool('eject') ? 'eject' : cmd.bool('insert') ? 'insert' : 'update';
    const flags = impactFlags(cmd) | (cmd.bool('force') ? F.FORCE : 0);
    const root = parseXml(await dom.getXMLDesc(flags & F.CONFIG ? DomainXMLFlags.INACTIVE : 0), 'domain_definition');
    const disk = rewriteDisk(findRemovable(root, cmd.required('path')), action, cmd.string('source'), cmd.bool('block'));
    const xml = dumpElement(disk);
    if (cmd.bool('print-xml')) {
      // virsh prints the element alone; the line ends with the command.
      ctl.print(xml.replace(/\n$/, ''));
      return true;
    }
    try {
      await dom.updateDeviceFlags(xml, flags);
    } catch (e) {
      throw new CommandFailed(`Failed to complete action ${action} on media`, e);
    }
    ctl.extra(DONE[action]);
    return true;
  },
});
